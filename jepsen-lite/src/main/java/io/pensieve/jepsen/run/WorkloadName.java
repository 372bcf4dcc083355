package io.pensieve.jepsen.run;

import java.util.Locale;

/** Which workload a run drives: the registers (the default), the bank or the sessions. */
public enum WorkloadName {
  /** Reads, writes and compare-and-sets on a few keys, checked for linearizability. */
  REGISTER,
  /** Transfers between accounts as transactions, checked by the bank's rules. */
  BANK,
  /** Leases with keys attached, renewed, revoked, deleted by range or left to expire. */
  SESSIONS;

  /** As the command line and options.json write it: {@code register}, {@code bank}, {@code sessions}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the workloads there are */
  public static WorkloadName parse(String name) {
    for (WorkloadName workload : values()) {
      if (workload.json().equals(name)) {
        return workload;
      }
    }
    throw new IllegalArgumentException("unknown workload '" + name + "': register or bank");
  }
}
