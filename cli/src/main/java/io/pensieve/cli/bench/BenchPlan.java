package io.pensieve.cli.bench;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What to run, checked: the workload, the client counts to measure (one measurement per level,
 * in the order given), the requests each client keeps in flight, closed loop or an open-loop
 * rate, how long, and the keys and values. Every refusal is an {@link IllegalArgumentException}
 * whose message names the option.
 *
 * @param readRatio the share of reads: 0 for put, 1 for get, the mix for mixed
 * @param rate requests per second over all clients (open loop); empty for closed loop
 * @param requestTimeout the deadline of each request
 */
public record BenchPlan(Workload workload, Api api, List<Integer> clientLevels, int inFlight,
                        OptionalDouble rate, Duration duration, Duration warmup, int keys,
                        int valueSize, boolean staleReads, double readRatio, long seed,
                        boolean preload, Duration requestTimeout) {
  /** More outstanding requests than a node serves at once by default would only be refused. */
  public static final int MAX_IN_FLIGHT_TOTAL = 10_000;
  /** The largest value a cluster can be configured to take. */
  public static final int MAX_VALUE_SIZE = 4 * 1024 * 1024;

  public BenchPlan {
    clientLevels = List.copyOf(clientLevels);
    if (clientLevels.isEmpty()) {
      throw new IllegalArgumentException("--clients needs at least one count");
    }
    if (new HashSet<>(clientLevels).size() != clientLevels.size()) {
      throw new IllegalArgumentException("--clients lists a count twice: " + clientLevels);
    }
    if (inFlight < 1) {
      throw new IllegalArgumentException("--in-flight must be at least 1, got " + inFlight);
    }
    for (int clients : clientLevels) {
      if (clients < 1) {
        throw new IllegalArgumentException("--clients must be at least 1, got " + clients);
      }
      if ((long) clients * inFlight > MAX_IN_FLIGHT_TOTAL) {
        throw new IllegalArgumentException("--clients " + clients + " x --in-flight " + inFlight
            + " is more than " + MAX_IN_FLIGHT_TOTAL + " requests in flight");
      }
    }
    if (rate.isPresent() && !(rate.getAsDouble() > 0 && rate.getAsDouble() <= 10_000_000)) {
      throw new IllegalArgumentException("--rate must be between 0 and 10,000,000 requests per"
          + " second, got " + rate.getAsDouble());
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("--duration must be positive");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must be 0 or more");
    }
    if (keys < 1 || keys > KeySpace.MAX_SIZE) {
      throw new IllegalArgumentException("--keys must be between 1 and " + KeySpace.MAX_SIZE
          + ", got " + keys);
    }
    if (valueSize < 0 || valueSize > MAX_VALUE_SIZE) {
      throw new IllegalArgumentException("--value-size must be between 0 and " + MAX_VALUE_SIZE
          + " bytes, got " + valueSize);
    }
    if (!(readRatio >= 0 && readRatio <= 1)) {
      throw new IllegalArgumentException("--read-ratio must be between 0 and 1, got " + readRatio);
    }
    if ((workload == Workload.PUT && readRatio != 0)
        || (workload == Workload.GET && readRatio != 1)) {
      throw new IllegalArgumentException(workload.label() + " has a read ratio of "
          + (workload == Workload.PUT ? 0 : 1) + ", got " + readRatio);
    }
    if (requestTimeout.isZero() || requestTimeout.isNegative()) {
      throw new IllegalArgumentException("the request timeout must be positive");
    }
  }

  /** Whether requests follow {@link #rate} (open loop) rather than each answer (closed loop). */
  public boolean openLoop() {
    return rate.isPresent();
  }

  /** Whether this run measures more than one client count. */
  public boolean sweep() {
    return clientLevels.size() > 1;
  }

  /** Whether the keys are written before the measurement: reads need them to exist. */
  public boolean preloads() {
    return preload && workload.reads();
  }
}
