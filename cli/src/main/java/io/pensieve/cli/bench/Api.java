package io.pensieve.cli.bench;

import java.util.Locale;

/** The API the bench drives: the {@code KV} gRPC service, or the REST routes {@code /v1/kv}. */
public enum Api {
  GRPC,
  REST;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
