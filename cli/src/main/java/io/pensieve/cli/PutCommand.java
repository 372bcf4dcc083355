package io.pensieve.cli;

import io.pensieve.proto.v1.PutRequest;
import io.pensieve.proto.v1.PutResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "put",
    description = {"Stores a value.",
        "Answered once a majority has it in its log and it is applied."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl put greeting hello",
        "  pvctl put session:abc user-data --ttl 1800",
        "  pvctl put service/n1 10.0.0.1 --lease 7",
        "  pvctl put config '{\"mode\":\"fast\"}' -o json"})
final class PutCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text.")
  private String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The value, as UTF-8 text.")
  private String value;

  @Option(names = "--ttl", paramLabel = "SECONDS",
      description = "Time to live; 0 = never expires. Without it, the cluster's default TTL.")
  private Long ttlSeconds;

  @Option(names = "--lease", paramLabel = "ID",
      description = "Attach the key to this lease (pvctl lease grant): revoking or expiring it "
          + "deletes the key. Without it, a key on a lease leaves it.")
  private long lease;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    PutRequest.Builder request = PutRequest.newBuilder()
        .setKey(Text.bytes(key))
        .setValue(Text.bytes(value))
        .setLease(lease);
    if (ttlSeconds != null) {
      request.setTtlMillis(KeyValues.ttlMillis(ttlSeconds));
    }
    PutRequest put = request.build();
    PutResponse response = session.cluster().call(RequestKind.WRITE, stubs -> stubs.kv().put(put));
    session.output().emit(
        ProtoJson.object().put("key", key).put("version", response.getVersion())
            .put("create_revision", response.getCreateRevision()),
        new Fields().add("key", key).add("version", response.getVersion())
            .add("create_revision", response.getCreateRevision()));
    return ExitCode.OK;
  }
}
