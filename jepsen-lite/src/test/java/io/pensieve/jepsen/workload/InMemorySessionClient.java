package io.pensieve.jepsen.workload;

import io.pensieve.jepsen.client.Outcome;
import io.pensieve.jepsen.client.SessionClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link SessionClient} of {@link InMemoryLeases} that, at {@code faultRate}, fails a call
 * the way a network does: a write refused before it applied (fail), a write applied whose
 * answer was lost (info), a write lost before it applied (info), or a read that got no answer.
 */
final class InMemorySessionClient extends InMemoryClient implements SessionClient {
  private final InMemoryLeases leases;

  InMemorySessionClient(InMemoryLeases leases, String node, long seed, double faultRate) {
    super(node, seed, faultRate);
    this.leases = leases;
  }

  @Override
  public Grant grant(Duration ttl) {
    long[] id = new long[1];
    Outcome outcome = write(() -> {
      id[0] = leases.grant(ttl);
      return Optional.empty();
    });
    return new Grant(outcome, id[0], ttl);
  }

  @Override
  public Outcome put(String key, String value, long lease) {
    return write(() -> leases.put(key, lease));
  }

  @Override
  public Outcome keepAlive(long lease) {
    return write(() -> leases.keepAlive(lease));
  }

  @Override
  public PrefixRead read(String prefix) {
    return faulty() ? PrefixRead.fail("no answer")
        : PrefixRead.ok(leases.read(prefix), 0);
  }

  @Override
  public PrefixRead readAll(String prefix) {
    return PrefixRead.ok(leases.read(prefix), 0);
  }

  @Override
  public Outcome revoke(long lease) {
    return write(() -> leases.revoke(lease));
  }

  @Override
  public Outcome deleteRange(String prefix) {
    return write(() -> {
      leases.deleteRange(prefix);
      return Optional.empty();
    });
  }

  /** Applies {@code apply} (empty: ok, else the refusal) unless a fault is drawn. */
  private Outcome write(Supplier<Optional<String>> apply) {
    if (faulty()) {
      switch (random.nextInt(3)) {
        case 0 -> {
          return Outcome.fail("refused before the log");
        }
        case 1 -> {
          // applied or refused, the client cannot tell
          return Outcome.info(apply.get().isPresent() ? "refused, answer lost" : "answer lost");
        }
        default -> {
          return Outcome.info("request lost");
        }
      }
    }
    return apply.get().map(Outcome::fail).orElseGet(() -> Outcome.ok(null));
  }
}
