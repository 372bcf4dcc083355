package io.pensieve.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pensieve.jepsen.checker.CheckReport.Validity;
import io.pensieve.jepsen.checker.SessionResult.Rule;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.SessionEvent;
import io.pensieve.jepsen.history.SessionOpKind;
import io.pensieve.jepsen.report.NemesisEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sessions checker on small written histories: where a forward clock skew widens rule 1's
 * tolerance, and where an unknown renewal or a missing final read leaves expiry undecided.
 */
class SessionCheckerTest {
  private static final long S = 1_000_000_000L;
  private static final String SESSION = "0/1";
  private static final List<String> KEYS = List.of("sess/0/1/0", "sess/0/1/1");

  private final List<SessionEvent> events = new ArrayList<>();

  private void op(double invoke, double complete, SessionOpKind f, EventType type,
                  List<String> keys) {
    long lease = 7;
    events.add(new SessionEvent(events.size(), EventType.INVOKE, 0, f,
        f == SessionOpKind.FINAL ? null : SESSION, lease, 8000L,
        f == SessionOpKind.PUT ? keys : null, null, (long) (invoke * S), "n1", "grpc", null));
    events.add(new SessionEvent(events.size(), type, 0, f,
        f == SessionOpKind.FINAL ? null : SESSION, lease, 8000L, keys, null,
        (long) (complete * S), "n1", "grpc", null));
  }

  /** A lease of 8 s granted at 0, both keys put by 0.2 s, read empty at 2 s. */
  private void readEmptyTooEarly() {
    op(0, 0.1, SessionOpKind.GRANT, EventType.OK, null);
    op(0.1, 0.15, SessionOpKind.PUT, EventType.OK, KEYS.subList(0, 1));
    op(0.15, 0.2, SessionOpKind.PUT, EventType.OK, KEYS.subList(1, 2));
    op(2, 2.1, SessionOpKind.READ, EventType.OK, List.of());
  }

  @Test
  void anEmptyReadWithinTheLeaseIsEarlyExpiry() {
    readEmptyTooEarly();
    op(20, 20.1, SessionOpKind.FINAL, EventType.OK, List.of());

    SessionResult result = SessionChecker.check(events, List.of(),
        SessionChecker.Settings.defaults());

    assertThat(result.violations()).containsOnlyKeys(Rule.EARLY_EXPIRY);
    assertThat(result.anomalies().get(0).explanation())
        .contains("session 0/1", "read of session 0/1", "must live until 8.000 s",
            "tolerance 1.000 s");
  }

  @Test
  void aForwardClockSkewBeforeTheReadWidensTheTolerance() {
    readEmptyTooEarly();
    op(20, 20.1, SessionOpKind.FINAL, EventType.OK, List.of());
    List<NemesisEvent> clock = List.of(new NemesisEvent(S, 15 * S, "clock",
        "restarted the leader n1 with its clock +30 s; restarted n1 on the real time"));

    SessionResult result = SessionChecker.check(events, clock,
        SessionChecker.Settings.defaults());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.maxForwardSkewSeconds()).isEqualTo(30);
  }

  @Test
  void aBackwardSkewOrOneAfterTheReadDoesNot() {
    readEmptyTooEarly();
    op(20, 20.1, SessionOpKind.FINAL, EventType.OK, List.of());
    List<NemesisEvent> clock = List.of(
        new NemesisEvent(S, 3 * S, "clock", "restarted n2 with its clock -3600 s"),
        new NemesisEvent(3 * S, 5 * S, "clock", "restarted n2 with its clock +300 s"));

    SessionResult result = SessionChecker.check(events, clock,
        SessionChecker.Settings.defaults());

    assertThat(result.violations()).containsOnlyKeys(Rule.EARLY_EXPIRY);
  }

  @Test
  void keysOfARenewalOfUnknownOutcomeMayOutliveTheLastHealByTheirTtl() {
    op(0, 0.1, SessionOpKind.GRANT, EventType.OK, null);
    op(0.1, 0.15, SessionOpKind.PUT, EventType.OK, KEYS.subList(0, 1));
    op(0.15, 0.2, SessionOpKind.PUT, EventType.OK, KEYS.subList(1, 2));
    op(1, 13, SessionOpKind.KEEP_ALIVE, EventType.INFO, null);
    op(13, 13, SessionOpKind.ABANDON, EventType.OK, null);
    op(30, 30.1, SessionOpKind.FINAL, EventType.OK, KEYS);
    List<NemesisEvent> kill = List.of(new NemesisEvent(10 * S, 20 * S, "kill", "n1"));

    assertThat(SessionChecker.check(events, kill, SessionChecker.Settings.defaults())
        .validity()).isEqualTo(Validity.VALID);
    assertThat(SessionChecker.check(events, List.of(), SessionChecker.Settings.defaults())
        .violations()).containsOnlyKeys(Rule.NOT_EXPIRED);
  }

  @Test
  void withoutAFinalReadExpiryIsUndecided() {
    op(0, 0.1, SessionOpKind.GRANT, EventType.OK, null);
    op(0.1, 0.15, SessionOpKind.PUT, EventType.OK, KEYS.subList(0, 1));

    SessionResult result = SessionChecker.check(events, List.of(),
        SessionChecker.Settings.defaults());

    assertThat(result.validity()).isEqualTo(Validity.UNKNOWN);
    assertThat(result.undecided()).contains("rule 4");
  }
}
