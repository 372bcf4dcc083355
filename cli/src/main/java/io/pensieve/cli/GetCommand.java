package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get",
    description = {"Reads a key.",
        "Linearizable (after a ReadIndex round with the leader) unless --stale. A missing key"
            + " exits 1."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl get greeting",
        "  pvctl get greeting --stale",
        "  pvctl get greeting -o json"})
final class GetCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "KEY", description = "The key, as UTF-8 text.")
  private String key;

  @Option(names = "--stale",
      description = "Serve from the answering node's local state without contacting the leader;"
          + " may lag.")
  private boolean stale;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    GetRequest request = GetRequest.newBuilder()
        .setKey(Text.bytes(key))
        .setConsistency(stale ? Consistency.CONSISTENCY_STALE : Consistency.CONSISTENCY_LINEARIZABLE)
        .build();
    GetResponse response = session.cluster().call(RequestKind.READ, stubs -> stubs.kv().get(request));
    if (!response.getFound()) {
      if (session.output().json()) {
        session.output().print(ProtoJson.object().put("key", key).put("found", false)
            .put("applied_index", response.getAppliedIndex()));
      }
      throw CliError.failed("key '" + key + "' not found (not_found)");
    }
    ObjectNode json = ProtoJson.object().put("found", true);
    json.setAll(KeyValues.json(response.getKv()));
    json.put("applied_index", response.getAppliedIndex());
    session.output().emit(json,
        KeyValues.fields(response.getKv()).add("applied_index", response.getAppliedIndex()));
    return ExitCode.OK;
  }
}
