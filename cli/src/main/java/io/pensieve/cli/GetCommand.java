package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.pensieve.proto.v1.Consistency;
import io.pensieve.proto.v1.GetRequest;
import io.pensieve.proto.v1.GetResponse;
import io.pensieve.proto.v1.RangeRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "get",
    description = {"Reads a key, or the keys of a range in key order.",
        "Linearizable (after a ReadIndex round with the leader) unless --stale. A missing key"
            + " exits 1; a range with no key in it prints none and exits 0.",
        "A range is [KEY, RANGE_END) in byte order, --prefix, or --from-key; it is read in"
            + " pages, each consistent as of its own applied index, so a key that exists"
            + " throughout is listed exactly once."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl get greeting",
        "  pvctl get greeting --stale",
        "  pvctl get greeting -o json",
        "  pvctl get users/ --prefix",
        "  pvctl get users/ --prefix --keys-only --limit 100",
        "  pvctl get users/a users/m --count-only",
        "  pvctl get users/m --from-key"})
final class GetCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Mixin
  private RangeOptions rangeOptions;

  @Option(names = "--stale",
      description = "Serve from the answering node's local state without contacting the leader;"
          + " may lag.")
  private boolean stale;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
      description = "Read at most N keys of the range (default: all).")
  private long limit;

  @Option(names = "--keys-only", description = "Keys and versions, without values.")
  private boolean keysOnly;

  @Option(names = "--count-only", description = "Only how many keys the range holds.")
  private boolean countOnly;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    String key = rangeOptions.key;
    if (rangeOptions.isRange() || limit != 0 || keysOnly || countOnly) {
      RangeRead.print(session, range());
      return ExitCode.OK;
    }
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

  private RangeRequest range() {
    if (limit < 0) {
      throw CliError.usage("--limit must be 0 (all) or more, not " + limit);
    }
    ByteString start = rangeOptions.start();
    ByteString end = rangeOptions.end();
    return RangeRequest.newBuilder().setKey(start).setRangeEnd(end).setLimit(limit)
        .setKeysOnly(keysOnly).setCountOnly(countOnly)
        .setConsistency(stale ? Consistency.CONSISTENCY_STALE
            : Consistency.CONSISTENCY_LINEARIZABLE)
        .build();
  }
}
