package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.SessionClient;
import io.pensieve.jepsen.client.SessionClient.Grant;
import io.pensieve.jepsen.client.SessionClient.PrefixRead;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.HistoryRecorder;
import io.pensieve.jepsen.history.SessionEvent;
import io.pensieve.jepsen.history.SessionOpKind;
import java.time.Duration;
import java.util.List;

/**
 * A {@link SessionClient} whose every call is recorded as an invoke and a completion, as one
 * process. After an outcome it cannot know ({@code info}) it goes on as a new process
 * ({@code process + processStride}), since the old operation may still be in flight.
 */
final class RecordingSessionClient {
  private final SessionClient client;
  private final HistoryRecorder history;
  private final int processStride;
  private int process;

  RecordingSessionClient(SessionClient client, HistoryRecorder history, int process,
                         int processStride) {
    this.client = client;
    this.history = history;
    this.process = process;
    this.processStride = processStride;
  }

  Grant grant(String session, Duration ttl) {
    SessionEvent invoke = invoke(SessionOpKind.GRANT, session, null, ttl.toMillis(), null);
    Grant grant = client.grant(ttl);
    complete(invoke, grant.outcome(), grant.lease(), grant.ttl().toMillis(), null, null);
    return grant;
  }

  Outcome put(String session, String key, long lease) {
    SessionEvent invoke = invoke(SessionOpKind.PUT, session, lease, null, List.of(key));
    Outcome outcome = client.put(key, session, lease);
    complete(invoke, outcome, null, null, null, null);
    return outcome;
  }

  Outcome keepAlive(String session, long lease) {
    SessionEvent invoke = invoke(SessionOpKind.KEEP_ALIVE, session, lease, null, null);
    Outcome outcome = client.keepAlive(lease);
    complete(invoke, outcome, null, null, null, null);
    return outcome;
  }

  PrefixRead read(String session, long lease) {
    SessionEvent invoke = invoke(SessionOpKind.READ, session, lease, null, null);
    PrefixRead read = client.read(SessionKeys.prefix(session));
    complete(invoke, read.outcome(), null, null, read.keys(), read.appliedIndex());
    return read;
  }

  Outcome revoke(String session, long lease) {
    SessionEvent invoke = invoke(SessionOpKind.REVOKE, session, lease, null, null);
    Outcome outcome = client.revoke(lease);
    complete(invoke, outcome, null, null, null, null);
    return outcome;
  }

  Outcome deleteRange(String session, long lease) {
    SessionEvent invoke = invoke(SessionOpKind.DELETE_RANGE, session, lease, null, null);
    Outcome outcome = client.deleteRange(SessionKeys.prefix(session));
    complete(invoke, outcome, null, null, null, null);
    return outcome;
  }

  /** Records that the client stops renewing the lease; nothing is sent. */
  void abandon(String session, long lease) {
    SessionEvent invoke = invoke(SessionOpKind.ABANDON, session, lease, null, null);
    complete(invoke, Outcome.ok(null), null, null, null, null);
  }

  /** Every key under {@link SessionKeys#ROOT}, paged, recorded as one {@code final}. */
  PrefixRead readFinal() {
    SessionEvent invoke = invoke(SessionOpKind.FINAL, null, null, null, null);
    PrefixRead read = client.readAll(SessionKeys.ROOT);
    complete(invoke, read.outcome(), null, null, read.keys(), read.appliedIndex());
    return read;
  }

  private SessionEvent invoke(SessionOpKind f, String session, Long lease, Long ttlMillis,
                              List<String> keys) {
    return history.record(SessionEvent.invoke(process, f, session, lease, ttlMillis, keys,
        client.node(), client.api()));
  }

  private void complete(SessionEvent invoke, Outcome outcome, Long lease, Long ttlMillis,
                        List<String> keys, Long appliedIndex) {
    history.record(SessionEvent.complete(invoke, outcome.type(), lease, ttlMillis, keys,
        appliedIndex, outcome.error()));
    if (outcome.type() == EventType.INFO) {
      process += processStride;
    }
  }
}
