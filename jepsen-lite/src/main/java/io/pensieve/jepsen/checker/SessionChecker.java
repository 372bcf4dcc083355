package io.pensieve.jepsen.checker;

import io.pensieve.jepsen.checker.SessionResult.Rule;
import io.pensieve.jepsen.checker.SessionResult.SessionAnomaly;
import io.pensieve.jepsen.history.EventType;
import io.pensieve.jepsen.history.SessionEvent;
import io.pensieve.jepsen.history.SessionOpKind;
import io.pensieve.jepsen.report.NemesisEvent;
import io.pensieve.jepsen.workload.SessionKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a sessions history (see {@code SessionWorkload}) against four rules, each anomaly
 * named with its session, operations and times:
 *
 * <ol>
 *   <li><b>No early expiry.</b> A lease renewed (or granted) by an ok request invoked at
 *       {@code t} lives at least until {@code t + TTL} in cluster time: the leader stamps the
 *       renewal no earlier than its invoke, and renewals never shorten a lease. So an ok read of
 *       the session invoked after that renewal completed and after every put was acknowledged,
 *       and completed before {@code t + TTL - tolerance}, must find every key, unless a revoke
 *       or delete-range of the session was invoked before it completed. Cluster time is the
 *       leaders' clocks stamped into entries, and apply keeps the largest stamp seen, so a
 *       leader whose clock ran ahead by {@code s} legitimately expires leases up to {@code s}
 *       early, for the rest of the run: the tolerance is the largest forward offset any node
 *       had up to the read's completion (from the clock nemesis's events) plus a margin.
 *   <li><b>Atomic removal.</b> Revocation deletes all of a lease's keys in one apply step,
 *       delete-range all the keys of its range: every ok read of a session whose puts were all
 *       acknowledged (final reads included) finds its keys all present or all absent. No read
 *       finds a key whose put certainly did not apply.
 *   <li><b>Acknowledged removal is durable.</b> No read invoked after an ok revoke or
 *       delete-range of a session completed finds any of its keys.
 *   <li><b>Expiry happens.</b> A session whose lease was not removed by an acknowledged
 *       request was last renewed, at the latest, when its last ok grant or renewal completed,
 *       or for one of unknown outcome when it completed or the last fault was healed, whichever
 *       is later. A final read invoked more than TTL plus the expiry slack after that finds
 *       none of its keys (otherwise rule 2 applies: all or none).
 * </ol>
 *
 * <p>Sessions are independent, so each is checked alone; the whole check is linear in the
 * history but for the final reads, which every session is checked against.
 */
public final class SessionChecker {
  /** Anomalies kept per rule; the counts say how many there were. */
  private static final int KEPT_PER_RULE = 20;
  /** "restarted n1 with its clock +3600 s", as the clock nemesis describes a fault. */
  private static final Pattern CLOCK = Pattern.compile("with its clock ([+-]?\\d+) s");

  /**
   * @param margin rule 1's tolerance without clock faults (1 s)
   * @param expirySlack rule 4: how long past its TTL an unrenewed lease may take to go (5 s)
   */
  public record Settings(Duration margin, Duration expirySlack) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(5));
    }
  }

  private final Settings settings;
  /** Forward clock offsets, in nanoseconds, by the time each fault began. */
  private final TreeMap<Long, Long> forwardSkews = new TreeMap<>();
  private final long lastHeal;
  private final Map<Rule, Integer> violations = new EnumMap<>(Rule.class);
  private final List<SessionAnomaly> anomalies = new ArrayList<>();
  private int earlyExpiryReads;
  private int weakenedReads;

  private SessionChecker(List<NemesisEvent> nemesis, Settings settings) {
    this.settings = settings;
    long healed = 0;
    long largest = 0;
    List<NemesisEvent> byStart = new ArrayList<>(nemesis);
    byStart.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
    for (NemesisEvent event : byStart) {
      healed = Math.max(healed, event.endNanos());
      Matcher clock = CLOCK.matcher(event.detail() == null ? "" : event.detail());
      if (event.name().equals("clock") && clock.find()) {
        largest = Math.max(largest, Long.parseLong(clock.group(1)) * 1_000_000_000L);
        forwardSkews.put(event.startNanos(), largest);
      }
    }
    this.lastHeal = healed;
  }

  public static SessionResult check(List<SessionEvent> events, List<NemesisEvent> nemesis,
                                    Settings settings) {
    long started = System.nanoTime();
    List<SessionOperation> operations = SessionOperation.pair(events);
    SessionChecker checker = new SessionChecker(nemesis, settings);
    Map<String, Session> sessions = new LinkedHashMap<>();
    List<SessionOperation> finals = new ArrayList<>();
    for (SessionOperation op : operations) {
      if (op.f() == SessionOpKind.FINAL) {
        if (op.ok()) {
          finals.add(op);
        }
      } else {
        sessions.computeIfAbsent(op.session(), Session::new).add(op);
      }
    }
    Map<String, Integer> endings = new TreeMap<>();
    int reads = 0;
    int granted = 0;
    for (Session session : sessions.values()) {
      if (session.grant == null) {
        continue;
      }
      granted++;
      endings.merge(session.ending(), 1, Integer::sum);
      reads += (int) session.reads.stream().filter(SessionOperation::ok).count();
      checker.check(session, finals);
    }
    long maxSkew = checker.forwardSkews.isEmpty() ? 0 : checker.forwardSkews.lastEntry().getValue();
    return new SessionResult(operations.size(), granted, endings, reads,
        checker.earlyExpiryReads, checker.weakenedReads, maxSkew / 1_000_000_000L,
        finals.size(), checker.violations, checker.anomalies,
        finals.isEmpty() ? "no final read succeeded: expiry (rule 4) was not checked" : null,
        (System.nanoTime() - started) / 1_000_000);
  }

  /** The operations of one session, by kind. */
  private static final class Session {
    final String id;
    SessionOperation grant;
    final List<SessionOperation> puts = new ArrayList<>();
    final List<SessionOperation> renewals = new ArrayList<>();
    final List<SessionOperation> reads = new ArrayList<>();
    final List<SessionOperation> removals = new ArrayList<>();
    SessionOperation abandon;

    Session(String id) {
      this.id = id;
    }

    void add(SessionOperation op) {
      switch (op.f()) {
        case GRANT -> {
          if (op.ok()) {
            grant = op;
          }
        }
        case PUT -> puts.add(op);
        case KEEP_ALIVE -> renewals.add(op);
        case READ -> reads.add(op);
        case REVOKE, DELETE_RANGE -> removals.add(op);
        case ABANDON -> abandon = op;
        default -> throw new IllegalArgumentException("not a session operation: " + op);
      }
    }

    long ttlNanos() {
      return Duration.ofMillis(grant.completion().ttlMillis()).toNanos();
    }

    boolean allPutsOk() {
      return !puts.isEmpty() && puts.stream().allMatch(SessionOperation::ok);
    }

    long putsDone() {
      return puts.stream().mapToLong(SessionOperation::completeTime).max().orElse(Long.MAX_VALUE);
    }

    /** Every key a put may have written (its put was not certainly refused). */
    Set<String> possibleKeys() {
      Set<String> keys = new TreeSet<>();
      puts.stream().filter(put -> put.type() != EventType.FAIL)
          .forEach(put -> keys.add(put.invoke().keys().get(0)));
      return keys;
    }

    Set<String> putKeys() {
      Set<String> keys = new TreeSet<>();
      puts.forEach(put -> keys.add(put.invoke().keys().get(0)));
      return keys;
    }

    /** The first acknowledged revoke or delete-range, if any. */
    SessionOperation acknowledgedRemoval() {
      return removals.stream().filter(SessionOperation::ok)
          .min((a, b) -> Long.compare(a.completeTime(), b.completeTime())).orElse(null);
    }

    String ending() {
      if (!allPutsOk()) {
        return "other";
      }
      if (removals.stream().anyMatch(op -> op.f() == SessionOpKind.DELETE_RANGE)) {
        return "deleted";
      }
      if (!removals.isEmpty()) {
        return "revoked";
      }
      return abandon != null ? "abandoned" : "other";
    }
  }

  private void check(Session session, List<SessionOperation> finals) {
    Set<String> allKeys = session.putKeys();
    Set<String> possible = session.possibleKeys();
    List<SessionOperation> reads = new ArrayList<>();
    session.reads.stream().filter(SessionOperation::ok).forEach(reads::add);
    reads.addAll(finals);
    SessionOperation removed = session.acknowledgedRemoval();
    for (SessionOperation read : reads) {
      Set<String> found = new TreeSet<>();
      for (String key : read.keys()) {
        if (key.startsWith(SessionKeys.prefix(session.id))) {
          found.add(key);
        }
      }
      Set<String> impossible = new TreeSet<>(found);
      impossible.removeAll(possible);
      if (!impossible.isEmpty()) {
        report(Rule.PARTIAL_SESSION, session, List.of(read), String.format(Locale.ROOT,
            "%s found %s, whose put certainly did not apply", read.describe(), impossible));
      } else if (session.allPutsOk() && read.invokeTime() > session.putsDone()
          && !found.isEmpty() && !found.equals(allKeys)) {
        report(Rule.PARTIAL_SESSION, session, List.of(read), String.format(Locale.ROOT,
            "%s found %s of the session's keys %s: a part of them", read.describe(), found,
            allKeys));
      }
      if (removed != null && read.invokeTime() > removed.completeTime() && !found.isEmpty()) {
        report(Rule.REMOVED_KEYS_SEEN, session, List.of(read, removed),
            String.format(Locale.ROOT, "%s found %s after %s was acknowledged",
                read.describe(), found, removed.describe()));
      }
      if (read.f() == SessionOpKind.READ) {
        checkEarlyExpiry(session, read, found, allKeys);
      } else if (removed == null) {
        checkExpired(session, read, found);
      }
    }
  }

  /** Rule 1 for one ok read of the session. */
  private void checkEarlyExpiry(Session session, SessionOperation read, Set<String> found,
                                Set<String> allKeys) {
    if (!session.allPutsOk() || read.invokeTime() <= session.putsDone()
        || session.removals.stream().anyMatch(op -> op.invokeTime() < read.completeTime())) {
      return;
    }
    SessionOperation renewed = session.grant;
    for (SessionOperation renewal : session.renewals) {
      if (renewal.ok() && renewal.completeTime() < read.invokeTime()
          && renewal.invokeTime() > renewed.invokeTime()) {
        renewed = renewal;
      }
    }
    long skew = forwardSkewAt(read.completeTime());
    long tolerance = settings.margin().toNanos() + skew;
    long alive = renewed.invokeTime() + session.ttlNanos();
    if (read.completeTime() >= alive - tolerance) {
      return;
    }
    earlyExpiryReads++;
    if (skew > 0) {
      weakenedReads++;
    }
    if (!found.equals(allKeys)) {
      report(Rule.EARLY_EXPIRY, session, List.of(read, renewed), String.format(Locale.ROOT,
          "%s found %s of the session's keys %s, though its lease (TTL %.1f s) was renewed by "
              + "%s and must live until %.3f s (tolerance %.3f s%s)",
          read.describe(), found, allKeys, session.ttlNanos() / 1e9, renewed.describe(),
          alive / 1e9, tolerance / 1e9,
          skew > 0 ? ", widened by a forward clock skew" : ""));
    }
  }

  /** Rule 4 for one final read, of a session no acknowledged request removed. */
  private void checkExpired(Session session, SessionOperation read, Set<String> found) {
    long lastRenewal = session.grant.completeTime();
    SessionOperation last = session.grant;
    for (SessionOperation renewal : session.renewals) {
      long latest = switch (renewal.type()) {
        case OK -> renewal.completeTime();
        case INFO -> Math.max(renewal.completeTime(), lastHeal);
        default -> Long.MIN_VALUE;
      };
      if (latest > lastRenewal) {
        lastRenewal = latest;
        last = renewal;
      }
    }
    long deadline = lastRenewal == Long.MAX_VALUE ? Long.MAX_VALUE
        : lastRenewal + session.ttlNanos() + settings.expirySlack().toNanos();
    if (read.invokeTime() > deadline && !found.isEmpty()) {
      report(Rule.NOT_EXPIRED, session, List.of(read, last), String.format(Locale.ROOT,
          "%s found %s, though the session's lease (TTL %.1f s) was last renewed by %s, at the "
              + "latest at %.3f s, and should have expired by %.3f s (slack %.1f s)",
          read.describe(), found, session.ttlNanos() / 1e9, last.describe(), lastRenewal / 1e9,
          deadline / 1e9, settings.expirySlack().toNanos() / 1e9));
    }
  }

  /** The largest forward clock offset any node had up to {@code time}, in nanoseconds. */
  private long forwardSkewAt(long time) {
    Map.Entry<Long, Long> entry = forwardSkews.floorEntry(time);
    return entry == null ? 0 : entry.getValue();
  }

  private void report(Rule rule, Session session, List<SessionOperation> ops,
                      String explanation) {
    int count = violations.merge(rule, 1, Integer::sum);
    if (count <= KEPT_PER_RULE) {
      anomalies.add(new SessionAnomaly(rule, session.id, "session " + session.id + ": "
          + explanation, ops));
    }
  }
}
