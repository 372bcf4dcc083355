package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "del",
    description = {"Removes a key.",
        "Optionally only at a given version. A missing key, or a version that does not match,"
            + " exits 1."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl del greeting",
        "  pvctl del lock --if-version 42"})
final class DelCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(paramLabel = "KEY", description = "The key, as UTF-8 text.")
  private String key;

  @Option(names = "--if-version", paramLabel = "N",
      description = "Delete only if the key's version (the revision of its last write) is N.")
  private Long ifVersion;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    DeleteRequest.Builder request = DeleteRequest.newBuilder().setKey(Text.bytes(key));
    if (ifVersion != null) {
      request.setCondition(Condition.newBuilder().setVersion(ifVersion));
    }
    DeleteRequest delete = request.build();
    DeleteResponse response =
        session.cluster().call(RequestKind.WRITE, stubs -> stubs.kv().delete(delete));
    ObjectNode json = ProtoJson.object().put("key", key).put("deleted", response.getDeleted())
        .put("revision", response.getRevision());
    if (response.getDeleted()) {
      session.output().emit(json,
          new Fields().add("key", key).add("deleted", true).add("revision", response.getRevision()));
      return ExitCode.OK;
    }
    json.put("compare_failed", response.getCompareFailed());
    if (response.hasPrevKv()) {
      json.set("current", KeyValues.json(response.getPrevKv()));
    }
    if (session.output().json()) {
      session.output().print(json);
    }
    if (response.getCompareFailed()) {
      throw CliError.failed("compare failed: "
          + KeyValues.currentState(key, response.hasPrevKv(), response.getPrevKv())
          + " (compare_failed)");
    }
    throw CliError.failed("key '" + key + "' not found (not_found)");
  }
}
