package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.CompareAndSetRequest;
import io.pensieve.proto.v1.CompareAndSetResponse;
import io.pensieve.proto.v1.Condition;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cas",
    description = {"Stores a value only if a condition on the key holds (compare-and-set).",
        "The condition is decided when the write is applied. A condition that does not hold"
            + " exits 1."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl cas greeting hi --if-version 1",
        "  pvctl cas greeting hi --if-value hello",
        "  pvctl cas lock me --if-absent --ttl 30"})
final class CasCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
  private String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The new value, as UTF-8 text.")
  private String value;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private Expected expected;

  @Option(names = "--ttl", paramLabel = "SECONDS",
      description = "Time to live; 0 = never expires. Without it, the cluster's default TTL.")
  private Long ttlSeconds;

  /** Exactly one condition. */
  static final class Expected {
    @Option(names = "--if-version", paramLabel = "N", required = true,
        description = "The key exists at version N.")
    Long version;

    @Option(names = "--if-value", paramLabel = "V", required = true,
        description = "The key exists and holds V.")
    String value;

    @Option(names = "--if-absent", required = true, description = "The key does not exist.")
    boolean absent;

    Condition condition() {
      if (version != null) {
        return Condition.newBuilder().setVersion(version).build();
      }
      if (value != null) {
        return Condition.newBuilder().setValue(Text.bytes(value)).build();
      }
      return Condition.newBuilder().setAbsent(true).build();
    }
  }

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    CompareAndSetRequest.Builder request = CompareAndSetRequest.newBuilder()
        .setKey(Text.bytes(key))
        .setValue(Text.bytes(value))
        .setCondition(expected.condition());
    if (ttlSeconds != null) {
      request.setTtlMillis(KeyValues.ttlMillis(ttlSeconds));
    }
    CompareAndSetRequest cas = request.build();
    CompareAndSetResponse response =
        session.cluster().call(RequestKind.WRITE, stubs -> stubs.kv().compareAndSet(cas));
    ObjectNode json = ProtoJson.object().put("key", key).put("succeeded", response.getSucceeded());
    if (response.getSucceeded()) {
      json.put("version", response.getVersion()).put("create_revision", response.getCreateRevision());
      session.output().emit(json, new Fields().add("key", key).add("succeeded", true)
          .add("version", response.getVersion())
          .add("create_revision", response.getCreateRevision()));
      return ExitCode.OK;
    }
    if (response.hasKv()) {
      json.set("current", KeyValues.json(response.getKv()));
    }
    if (session.output().json()) {
      session.output().print(json);
    }
    throw CliError.failed("compare failed: "
        + KeyValues.currentState(key, response.hasKv(), response.getKv()) + " (compare_failed)");
  }
}
