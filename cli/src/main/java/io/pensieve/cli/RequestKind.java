package io.pensieve.cli;

/** Whether a request changes the cluster, which decides what a failure may be retried as. */
enum RequestKind {
  /** Changes nothing: any UNAVAILABLE answer is tried again on the next endpoint. */
  READ,
  /**
   * May change the cluster: tried again only when it certainly did not apply (the node said so,
   * or it was never delivered); a timeout is an unknown outcome, never retried.
   */
  WRITE
}
