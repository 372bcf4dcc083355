package io.pensieve.jepsen.checker;

/**
 * The linearizability verdict on one key.
 *
 * @param operations how many of the key's operations the search considered (failed writes and
 *     reads without a value left out)
 * @param elapsedMillis time spent on the key, the anomaly's minimisation included
 * @param anomaly for {@link Verdict#NOT_LINEARIZABLE}, the evidence; otherwise null
 * @param detail for {@link Verdict#UNKNOWN}, which budget ran out; otherwise null
 */
public record KeyResult(String key, Verdict verdict, int operations, long elapsedMillis,
                        Anomaly anomaly, String detail) {}
