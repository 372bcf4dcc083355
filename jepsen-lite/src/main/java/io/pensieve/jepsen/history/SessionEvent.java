package io.pensieve.jepsen.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One line of a sessions history: a client invoking an operation of a session, or that
 * operation's completion. The contract of {@link Event} holds (one operation at a time per
 * {@code process}, {@code fail} certainly not applied, {@code info} unknown outcome, {@code time}
 * in nanoseconds on the run's clock).
 *
 * <ul>
 *   <li>{@code grant}: a lease of {@code ttlMillis} for {@code session}; ok with the lease's
 *       {@code lease} id and the TTL granted.
 *   <li>{@code put}: {@code keys} holds the one key, attached to {@code lease}.
 *   <li>{@code keep_alive}: one renewal of {@code lease} (KeepAliveOnce).
 *   <li>{@code read}: one linearizable range of the session's prefix; ok with the {@code keys}
 *       found and {@code appliedIndex}.
 *   <li>{@code revoke}: revokes {@code lease}. {@code delete_range}: deletes the session's prefix.
 *   <li>{@code abandon}: the client stops renewing the lease (invoke and ok at once; nothing is
 *       sent): the cluster must expire it.
 *   <li>{@code final}: after the run, every key under {@code sess/}, paged; {@code session} is
 *       empty.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionEvent(long index, EventType type, int process, SessionOpKind f,
                           String session, Long lease, Long ttlMillis, List<String> keys,
                           Long appliedIndex, long time, String node, String api,
                           String error) {

  /** An invoke, to be stamped with its index and time by {@link HistoryRecorder#record}. */
  public static HistoryRecorder.Stamper<SessionEvent> invoke(int process, SessionOpKind f,
      String session, Long lease, Long ttlMillis, List<String> keys, String node, String api) {
    return (index, time) -> new SessionEvent(index, EventType.INVOKE, process, f, session,
        lease, ttlMillis, keys, null, time, node, api, null);
  }

  /**
   * The completion of {@code invoke}: an ok grant names the lease and its TTL, an ok read or
   * final the keys found; anything else repeats the invoke's fields.
   */
  public static HistoryRecorder.Stamper<SessionEvent> complete(SessionEvent invoke,
      EventType type, Long lease, Long ttlMillis, List<String> keys, Long appliedIndex,
      String error) {
    boolean ok = type == EventType.OK;
    boolean observed = ok && (invoke.f() == SessionOpKind.READ
        || invoke.f() == SessionOpKind.FINAL);
    boolean granted = ok && invoke.f() == SessionOpKind.GRANT;
    return (index, time) -> new SessionEvent(index, type, invoke.process(), invoke.f(),
        invoke.session(), granted ? lease : invoke.lease(),
        granted ? ttlMillis : invoke.ttlMillis(), observed ? keys : invoke.keys(),
        observed ? appliedIndex : null, time, invoke.node(), invoke.api(), error);
  }
}
