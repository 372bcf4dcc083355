package io.pensieve.cli;

/**
 * Whether a request changes the cluster, which decides what a failure may be retried as: the
 * client library's {@code PensieveException.retrySafe}, from the error table of errors.proto.
 */
enum RequestKind {
  /**
   * Changes nothing: tried again on the next endpoint after a refusal the error table calls
   * retryable (no leader, overloaded, unavailable) or a connection that failed (UNAVAILABLE
   * without a node's code); a node's code this pvctl does not know is final.
   */
  READ,
  /**
   * May change the cluster: tried again only when it certainly did not apply (the node said so,
   * or it was never delivered); a timeout is an unknown outcome, never retried.
   */
  WRITE
}
