package io.pensieve.jepsen.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run does.
 *
 * @param nodes cluster size (3 or 5)
 * @param time how long the workload runs under faults
 * @param nemeses nemesis names, or "all"; empty for none
 * @param quiet undisturbed time before each fault
 * @param fault how long each fault lasts
 * @param clients concurrent clients
 * @param keys registers
 * @param rate operations per second across all clients
 * @param staleReads reads at {@code consistency=stale}: not linearizable, to show the checker
 *     catches it
 * @param operationTimeout each operation's client-side deadline
 * @param store where run directories are created
 * @param nodeLauncher the node's launcher, {@code bin/pensieve} of a tree holding its jars
 * @param checkBudget the checker's time bound per key
 * @param workload what the clients do; the bank's ignores {@code keys} and {@code staleReads},
 *     the sessions' also {@code rate}
 */
public record RunOptions(int nodes, Duration time, List<String> nemeses, Duration quiet,
                         Duration fault, long seed, int clients, int keys, double rate,
                         boolean staleReads, Duration operationTimeout, Path store,
                         Path nodeLauncher, Duration checkBudget, WorkloadName workload) {

  /** A run of the register workload. */
  public RunOptions(int nodes, Duration time, List<String> nemeses, Duration quiet,
                    Duration fault, long seed, int clients, int keys, double rate,
                    boolean staleReads, Duration operationTimeout, Path store,
                    Path nodeLauncher, Duration checkBudget) {
    this(nodes, time, nemeses, quiet, fault, seed, clients, keys, rate, staleReads,
        operationTimeout, store, nodeLauncher, checkBudget, WorkloadName.REGISTER);
  }

  /** The same run, of another workload. */
  public RunOptions withWorkload(WorkloadName other) {
    return new RunOptions(nodes, time, nemeses, quiet, fault, seed, clients, keys, rate,
        staleReads, operationTimeout, store, nodeLauncher, checkBudget, other);
  }

  /** The options as the run's directory records them, and as the command line takes them. */
  public Map<String, Object> describe() {
    Map<String, Object> described = new LinkedHashMap<>();
    described.put("workload", workload.json());
    described.put("nodes", nodes);
    described.put("time_seconds", time.toSeconds());
    described.put("nemesis", String.join(",", nemeses));
    described.put("quiet_seconds", quiet.toMillis() / 1000.0);
    described.put("fault_seconds", fault.toMillis() / 1000.0);
    described.put("seed", seed);
    described.put("clients", clients);
    if (workload != WorkloadName.SESSIONS) {
      // the sessions workload paces itself on its leases and reads linearizably
      described.put("keys", keys);
      described.put("rate", rate);
      described.put("stale_reads", staleReads);
    }
    described.put("op_timeout_seconds", operationTimeout.toMillis() / 1000.0);
    described.put("check_budget_seconds", checkBudget.toSeconds());
    return described;
  }
}
