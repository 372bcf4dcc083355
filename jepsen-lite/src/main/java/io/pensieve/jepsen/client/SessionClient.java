package io.pensieve.jepsen.client;

import java.time.Duration;
import java.util.List;

/**
 * A client of one node, for the sessions workload: leases, keys attached to them, range reads
 * and delete-range. Never throws: every call ends in an {@link Outcome} (or a record holding
 * one), and any doubt about whether a write applied is an {@code info}. A read changes nothing,
 * so a read that got no answer is a {@code fail}.
 *
 * <p>Each call is one request: {@code Lease.Grant}, {@code KV.Put} with the lease,
 * {@code Lease.KeepAliveOnce}, a linearizable {@code KV.Range} of a prefix (one reply: one
 * applied index), {@code Lease.Revoke}, {@code KV.DeleteRange} of a prefix; {@link #readAll}
 * pages through a prefix.
 */
public interface SessionClient extends AutoCloseable {
  /** A grant's outcome; when ok, the lease's id and the TTL it was granted. */
  record Grant(Outcome outcome, long lease, Duration ttl) {}

  /** A read's outcome (ok or fail); when ok, the keys found in key order. */
  record PrefixRead(Outcome outcome, List<String> keys, long appliedIndex) {
    public static PrefixRead ok(List<String> keys, long appliedIndex) {
      return new PrefixRead(Outcome.ok(null), List.copyOf(keys), appliedIndex);
    }

    public static PrefixRead fail(String error) {
      return new PrefixRead(Outcome.fail(error), List.of(), 0);
    }
  }

  Grant grant(Duration ttl);

  /** Puts {@code key} attached to {@code lease}, with no expiry of its own. */
  Outcome put(String key, String value, long lease);

  Outcome keepAlive(long lease);

  /** The keys under {@code prefix}, as one reply of one state: a fail if it needs a page more. */
  PrefixRead read(String prefix);

  /** Every key under {@code prefix}, page after page (pages are not of one state). */
  PrefixRead readAll(String prefix);

  Outcome revoke(long lease);

  Outcome deleteRange(String prefix);

  /** The node this client talks to. */
  String node();

  /** "rest" or "grpc". */
  String api();

  @Override
  void close();
}
