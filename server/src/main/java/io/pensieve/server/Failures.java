package io.pensieve.server;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Failures as futures report them. */
public final class Failures {
  private Failures() {}

  /** What failed, without the wrappers that futures put around it. */
  public static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
