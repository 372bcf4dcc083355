package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.Condition;
import io.pensieve.proto.v1.DeleteRangeRequest;
import io.pensieve.proto.v1.DeleteRangeResponse;
import io.pensieve.proto.v1.DeleteRequest;
import io.pensieve.proto.v1.DeleteResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "del",
    description = {"Removes a key, or the keys of a range.",
        "Optionally only at a given version. A missing key, or a version that does not match,"
            + " exits 1.",
        "A range is [KEY, RANGE_END) in byte order, --prefix, or --from-key; its keys go in"
            + " one command, all at one revision, and a range holding more keys than one"
            + " command may delete is refused with nothing deleted. A range with no key in it"
            + " deletes none and exits 0."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl del greeting",
        "  pvctl del lock --if-version 42",
        "  pvctl del users/ --prefix",
        "  pvctl del users/a users/m --prev-kv",
        "  pvctl del users/m --from-key -o json"})
final class DelCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private RangeOptions range;

  private String key;

  @Option(names = "--prev-kv",
      description = "With a range: print the deleted entries too.")
  private boolean prevKv;

  @Option(names = "--if-version", paramLabel = "N",
      description = "Delete only if the key's version (the revision of its last write) is N.")
  private Long ifVersion;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    key = range.key;
    if (range.isRange()) {
      return deleteRange(session);
    }
    if (prevKv) {
      throw CliError.usage("--prev-kv goes with a range: RANGE_END, --prefix or --from-key");
    }
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

  private int deleteRange(Session session) {
    if (ifVersion != null) {
      throw CliError.usage("--if-version goes with one key, not a range");
    }
    DeleteRangeRequest request = DeleteRangeRequest.newBuilder()
        .setKey(Text.bytes(key))
        .setRangeEnd(range.end())
        .setPrevKv(prevKv)
        .build();
    DeleteRangeResponse response =
        session.cluster().call(RequestKind.WRITE, stubs -> stubs.kv().deleteRange(request));
    ObjectNode json = ProtoJson.object().put("deleted", response.getDeleted())
        .put("revision", response.getRevision());
    String text = new Fields().add("deleted", response.getDeleted())
        .add("revision", response.getRevision()).render();
    if (prevKv) {
      ArrayNode previous = json.putArray("prev_kvs");
      Table table = new Table("KEY", "VALUE", "VERSION");
      response.getPrevKvsList().forEach(kv -> {
        previous.add(KeyValues.json(kv));
        table.row(Text.show(kv.getKey()), Text.show(kv.getValue()), kv.getVersion());
      });
      if (response.getPrevKvsCount() > 0) {
        text += table.render();
      }
    }
    session.output().emit(json, text);
    return ExitCode.OK;
  }
}
