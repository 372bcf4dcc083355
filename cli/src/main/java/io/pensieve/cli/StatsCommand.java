package io.pensieve.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pensieve.proto.v1.ClusterResponse;
import io.pensieve.proto.v1.StatsRequest;
import io.pensieve.proto.v1.StatsResponse;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "stats",
    description = {"The cluster's counters.",
        "Hits and misses summed over the members that answered (each counts the reads it"
            + " served); entries, bytes, evictions, expirations and revision, which are"
            + " replicated, from the member that has applied the most."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  pvctl stats",
        "  pvctl stats -o json"})
final class StatsCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    Session session = Pvctl.sessionOf(spec);
    ClusterResponse members = Members.list(session.cluster());
    StatsRequest request = StatsRequest.getDefaultInstance();
    List<EachMember.Reply<StatsResponse>> replies = EachMember.call(session.cluster(), members,
        stubs -> stubs.kv().stats(request));
    List<StatsResponse> answered = replies.stream().filter(EachMember.Reply::answered)
        .map(EachMember.Reply::get).toList();
    if (answered.isEmpty()) {
      throw CliError.unavailable("no member answered: " + String.join(", ", replies.stream()
          .map(r -> r.member().getId() + " (" + r.errorMessage() + ")").toList()));
    }
    Totals totals = Totals.of(answered);
    StatsResponse replicated = answered.stream()
        .max(Comparator.comparingLong(StatsResponse::getAppliedIndex)).orElseThrow();

    ObjectNode json = ProtoJson.object()
        .put("members", members.getMembersCount())
        .put("answered", answered.size())
        .put("hits", totals.hits())
        .put("misses", totals.misses())
        .put("hit_rate", totals.hitRate())
        .put("entries", replicated.getEntries())
        .put("bytes", replicated.getBytes())
        .put("evictions", replicated.getEvictions())
        .put("expirations", replicated.getExpirations())
        .put("revision", replicated.getRevision())
        .put("counters_from", replicated.getNodeId())
        .put("applied_index", replicated.getAppliedIndex());
    ArrayNode nodes = json.putArray("nodes");
    Table table = new Table("NODE", "HITS", "MISSES", "APPLIED");
    for (EachMember.Reply<StatsResponse> reply : replies) {
      if (reply.answered()) {
        StatsResponse stats = reply.get();
        nodes.add(ProtoJson.toJson(stats));
        table.row(reply.member().getId(), stats.getHits(), stats.getMisses(),
            stats.getAppliedIndex());
      } else {
        nodes.addObject().put("node_id", reply.member().getId()).set("error", reply.errorJson());
        table.row(reply.member().getId(), reply.errorCell(), null, null);
      }
    }
    Fields fields = new Fields()
        .add("members", answered.size() + " of " + members.getMembersCount() + " answered")
        .add("hits", totals.hits())
        .add("misses", totals.misses())
        .add("hit_rate", String.format(Locale.ROOT, "%.3f", totals.hitRate()))
        .add("entries", replicated.getEntries())
        .add("bytes", replicated.getBytes())
        .add("evictions", replicated.getEvictions())
        .add("expirations", replicated.getExpirations())
        .add("revision", replicated.getRevision())
        .add("counters_from", replicated.getNodeId() + " (applied index "
            + replicated.getAppliedIndex() + ")");
    session.output().emit(json, fields.render() + "\n" + table.render());
    return ExitCode.OK;
  }

  /** Hits and misses over the members that answered. */
  record Totals(long hits, long misses) {
    static Totals of(List<StatsResponse> answered) {
      return new Totals(answered.stream().mapToLong(StatsResponse::getHits).sum(),
          answered.stream().mapToLong(StatsResponse::getMisses).sum());
    }

    /** Hits over reads, 0 when there was no read. */
    double hitRate() {
      long reads = hits + misses;
      return reads == 0 ? 0.0 : (double) hits / reads;
    }
  }
}
