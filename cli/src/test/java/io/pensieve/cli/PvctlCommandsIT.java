package io.pensieve.cli;

import static io.pensieve.cli.PvctlAssertions.fails;
import static io.pensieve.cli.PvctlAssertions.json;
import static io.pensieve.cli.PvctlAssertions.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.cluster.TestCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command against a real 3-node cluster: its output, its errors and its exit code. The
 * first endpoint given is always a dead port, so every call also proves that pvctl goes on to
 * the next. Run in this JVM, as {@link PvctlLauncherIT} proves the launcher runs them.
 */
class PvctlCommandsIT {
  @RegisterExtension
  static final TestCluster cluster = TestCluster.perClass(3);

  private static final Duration AWAIT = Duration.ofSeconds(60);

  private static PvctlRunner pvctl;

  @BeforeAll
  static void endpoints() throws IOException {
    String endpoints = "127.0.0.1:" + Launcher.freePort() + "," + cluster.nodes().stream()
        .map(node -> "127.0.0.1:" + node.grpcPort())
        .collect(Collectors.joining(","));
    pvctl = PvctlRunner.inProcess("--endpoints", endpoints);
  }

  private static PvctlRunner at(PensieveNode node) {
    return PvctlRunner.inProcess("--endpoints", "127.0.0.1:" + node.grpcPort());
  }

  @Test
  void putGetDeleteAndCompareAndSet() {
    assertThat(ok(pvctl.run("put", "greeting", "hello")).out()).startsWith("key: greeting\n")
        .containsPattern("(?m)^version: \\d+$");
    long version = json(ok(pvctl.run("get", "greeting", "-o", "json"))).get("version").asLong();
    assertThat(ok(pvctl.run("get", "greeting")).out()).contains("value: hello\n")
        .contains("version: " + version + "\n").contains("expire_at: never\n");
    assertThat(ok(pvctl.run("get", "greeting", "--stale")).out()).contains("value: hello\n");

    fails(pvctl.run("get", "no-such-key"), 1, "key 'no-such-key' not found (not_found)");
    fails(pvctl.run("cas", "greeting", "hi", "--if-version", String.valueOf(version + 1000)), 1,
        "compare failed: key 'greeting' is at version " + version + " (compare_failed)");
    fails(pvctl.run("cas", "greeting", "hi", "--if-absent"), 1, "(compare_failed)");
    fails(pvctl.run("cas", "nobody", "hi", "--if-value", "x"), 1,
        "compare failed: key 'nobody' does not exist (compare_failed)");
    assertThat(ok(pvctl.run("cas", "greeting", "hi", "--if-version", String.valueOf(version)))
        .out()).contains("succeeded: true\n");
    assertThat(ok(pvctl.run("cas", "greeting", "hey", "--if-value", "hi")).out())
        .contains("succeeded: true\n");
    assertThat(ok(pvctl.run("cas", "lock", "me", "--if-absent", "--ttl", "60")).out())
        .contains("succeeded: true\n");
    assertThat(ok(pvctl.run("get", "lock")).out()).doesNotContain("expire_at: never");
    assertThat(ok(pvctl.run("get", "greeting")).out()).contains("value: hey\n");

    fails(pvctl.run("del", "greeting", "--if-version", "1"), 1, "(compare_failed)");
    assertThat(ok(pvctl.run("del", "greeting")).out()).contains("deleted: true\n");
    fails(pvctl.run("del", "greeting"), 1, "key 'greeting' not found (not_found)");
    fails(pvctl.run("get", "greeting"), 1, "(not_found)");
  }

  @Test
  void leaseGrantPutWithItTimeToLiveWithKeysKeepAliveAndRevoke() {
    JsonNode granted = json(ok(pvctl.run("lease", "grant", "60", "-o", "json")));
    String id = granted.get("id").asText();
    assertThat(granted.get("id").isTextual()).isTrue();
    assertThat(granted.get("ttl_seconds").asLong()).isEqualTo(60);

    ok(pvctl.run("put", "leased/a", "1", "--lease", id));
    ok(pvctl.run("put", "leased/b", "2", "--lease", id));
    assertThat(ok(pvctl.run("get", "leased/a")).out()).contains("lease: " + id + "\n");
    assertThat(ok(pvctl.run("lease", "timetolive", id, "--keys")).out())
        .contains("granted_ttl_seconds: 60\n").contains("keys: 2\n")
        .contains("  leased/a\n  leased/b\n");
    assertThat(ok(pvctl.run("lease", "keep-alive", id, "--once")).out())
        .startsWith("lease " + id + " kept alive with TTL 60s");
    assertThat(ok(pvctl.run("lease", "list")).out()).contains(id);

    assertThat(ok(pvctl.run("lease", "revoke", id)).out())
        .contains("lease " + id + " revoked; 2 keys deleted");
    fails(pvctl.run("get", "leased/a"), 1, "(not_found)");
    fails(pvctl.run("lease", "timetolive", id), 1, "(not_found)");
    fails(pvctl.run("put", "leased/c", "3", "--lease", id), 1,
        "lease " + id + " not found (not_found)");
    fails(pvctl.run("lease", "grant", "1"), 2, "ttl_seconds must be between 5 and");
  }

  @Test
  void getPrintsALeaseIdAsAStringInJsonAsRestDoes() {
    String id = json(ok(pvctl.run("lease", "grant", "60", "-o", "json"))).get("id").asText();
    ok(pvctl.run("put", "json-leased", "1", "--lease", id));

    JsonNode got = json(ok(pvctl.run("get", "json-leased", "-o", "json")));
    JsonNode ranged = json(ok(pvctl.run("get", "json-leased", "--prefix", "-o", "json")));
    JsonNode listed = json(ok(pvctl.run("lease", "list", "-o", "json")));

    assertThat(got.get("lease").isTextual()).isTrue();
    assertThat(got.get("lease").asText()).isEqualTo(id);
    assertThat(ranged.path("kvs").get(0).get("lease").asText()).isEqualTo(id);
    assertThat(listed.path("leases").findValues("id")).allSatisfy(each ->
        assertThat(each.isTextual()).isTrue());
    assertThat(json(ok(pvctl.run("lease", "timetolive", id, "-o", "json"))).get("id").asText())
        .isEqualTo(id);
    ok(pvctl.run("lease", "revoke", id));
  }

  @Test
  void leaseLoadGrantsKeepsAliveThenRevokesItsLeasesAndReportsTheRenewals() {
    // every endpoint a live member (a node another test removed refuses renewals): the load
    // sends each one a share of the renewals
    PvctlRunner live = PvctlRunner.inProcess("--endpoints", cluster.members().stream()
        .map(node -> "127.0.0.1:" + node.grpcPort()).collect(Collectors.joining(",")));
    Supplier<Integer> leases = () ->
        json(ok(live.run("lease", "list", "-o", "json"))).path("leases").size();
    int before = leases.get();
    // a renewal refused for want of a leader (another test moved the lead) ends its stream
    cluster.awaitLeader();

    CompletableFuture<PvctlRun> load = CompletableFuture.supplyAsync(() -> live.run(
        "lease", "load", "--count", "12", "--ttl", "5", "--duration", "4", "-o", "json"));

    await("the load's leases granted").atMost(AWAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> leases.get() == before + 12);
    PvctlRun loaded = load.join();
    JsonNode summary = json(ok(loaded));
    assertThat(summary.get("leases").asInt()).isEqualTo(12);
    assertThat(summary.get("ttl_seconds").asLong()).isEqualTo(5);
    assertThat(summary.get("duration_seconds").asLong()).isEqualTo(4);
    assertThat(summary.get("leases_lost").asLong()).isZero();
    // each lease renewed every third of 5 s for 4 s: at least once each, all answered
    assertThat(summary.get("renewals_sent").asLong()).isGreaterThanOrEqualTo(12);
    assertThat(summary.get("renewals_answered").asLong())
        .isEqualTo(summary.get("renewals_sent").asLong());
    assertThat(summary.get("latency_p99_ms").asDouble()).isPositive();
    assertThat(leases.get()).isEqualTo(before);

    assertThat(ok(live.run("lease", "load", "--count", "3", "--ttl", "5", "--duration", "1"))
        .out()).containsPattern("^3 leases of 5 s granted in [0-9.]+ s; kept alive 1 s over 3"
            + " endpoints: \\d+ renewals sent, \\d+ answered \\(\\d+/s\\), latency p50 [0-9.]+ ms"
            + " p99 [0-9.]+ ms; 0 renewals failed");
    assertThat(leases.get()).isEqualTo(before);
  }

  @Test
  void rangesByPrefixEndFromKeyAndLimitInKeyOrder() {
    for (String key : List.of("fruit/pear", "fruit/apple", "fruit/fig", "fruit0", "fruitz")) {
      ok(pvctl.run("put", key, "is " + key));
    }

    String table = ok(pvctl.run("get", "fruit/", "--prefix")).out();
    assertThat(table).isEqualTo(ok(pvctl.run("get", "fruit/", "fruit0")).out());
    assertThat(table.lines()).hasSize(4).element(1).asString()
        .startsWith("fruit/apple  is fruit/apple  ");
    PvctlRun prefix = ok(pvctl.run("get", "fruit/", "--prefix", "-o", "json"));
    assertThat(json(prefix).path("kvs").findValuesAsText("key"))
        .containsExactly("fruit/apple", "fruit/fig", "fruit/pear");
    assertThat(json(prefix).path("kvs").findValuesAsText("value"))
        .containsExactly("is fruit/apple", "is fruit/fig", "is fruit/pear");
    assertThat(json(prefix).path("more").asBoolean()).isFalse();

    String keysOnly = ok(pvctl.run("get", "fruit/", "--prefix", "--keys-only")).out();
    assertThat(keysOnly.lines().findFirst().orElseThrow()).isEqualTo("KEY          VERSION");
    assertThat(keysOnly).contains("fruit/apple").doesNotContain("is fruit");

    JsonNode limited = json(ok(pvctl.run("get", "fruit/", "--from-key", "--limit", "4",
        "-o", "json")));
    assertThat(limited.path("kvs").findValuesAsText("key"))
        .containsExactly("fruit/apple", "fruit/fig", "fruit/pear", "fruit0");
    assertThat(limited.path("more").asBoolean()).isTrue();

    assertThat(ok(pvctl.run("get", "fruit", "--prefix", "--count-only", "--stale")).out())
        .isEqualTo("count: 5\n");
    assertThat(ok(pvctl.run("get", "nothing/", "--prefix")).out())
        .isEqualTo("KEY  VALUE  VERSION\n");

    fails(pvctl.run("get", "fruit/", "fruit0", "--prefix"), 2,
        "give one of RANGE_END, --prefix and --from-key");
    fails(pvctl.run("get", "fruit0", "fruit/"), 2, "range_end must come after key");
  }

  @Test
  void aTransactionFromStandardInputInEtcdctlsFormat() {
    ok(pvctl.run("put", "acct/a", "100"));
    long version = json(ok(pvctl.run("get", "acct/a", "-o", "json"))).get("version").asLong();
    String transfer = "version(\"acct/a\") = \"" + version + "\"\n\n"
        + "put acct/a 70\nput acct/b \"thirty more\"\nget acct/a\n\n"
        + "get acct/a\n\n";

    assertThat(ok(withStdin(transfer, () -> pvctl.run("txn"))).out())
        .isEqualTo("SUCCESS\n\nOK\n\nOK\n\nacct/a\n70\n");
    JsonNode again = json(ok(withStdin(transfer, () -> pvctl.run("txn", "-o", "json"))));
    assertThat(again.path("succeeded").asBoolean()).isFalse();
    assertThat(again.path("results").findValuesAsText("value")).containsExactly("70");
    assertThat(ok(withStdin("\nget acct/ --prefix\ndel acct/a\n\n\n",
        () -> pvctl.run("txn", "-i"))).out()).isEqualTo("compares:\n"
        + "success requests (get, put, del):\nfailure requests (get, put, del):\n"
        + "SUCCESS\n\nacct/a\n70\nacct/b\nthirty more\n\n1\n");
    fails(withStdin("size(\"acct/a\") = \"1\"\n\n\n", () -> pvctl.run("txn")), 2,
        "unknown target size");
    fails(withStdin("\nput acct/b 1\ndel acct/ --prefix\n\n", () -> pvctl.run("txn")), 2,
        "writes too");
    assertThat(ok(pvctl.run("get", "acct/b")).out()).contains("value: thirty more\n");
  }

  /** pvctl run in this JVM with {@code input} as its standard input. */
  private static synchronized PvctlRun withStdin(String input, Supplier<PvctlRun> run) {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return run.get();
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void deleteRangesByPrefixEndAndFromKeyAtOneRevision() {
    for (String key : List.of("veg/leek", "veg/kale", "veg/bean", "veg0", "vegz")) {
      ok(pvctl.run("put", key, "is " + key));
    }

    PvctlRun prefix = ok(pvctl.run("del", "veg/", "--prefix", "--prev-kv", "-o", "json"));
    assertThat(json(prefix).path("deleted").asLong()).isEqualTo(3);
    assertThat(json(prefix).path("revision").asLong()).isPositive();
    assertThat(json(prefix).path("prev_kvs").findValuesAsText("key"))
        .containsExactly("veg/bean", "veg/kale", "veg/leek");
    assertThat(ok(pvctl.run("get", "veg", "--prefix", "--count-only")).out())
        .isEqualTo("count: 2\n");

    assertThat(ok(pvctl.run("del", "veg0", "vegz")).out()).startsWith("deleted: 1\nrevision: ");
    assertThat(ok(pvctl.run("del", "vegz", "--from-key")).out()).startsWith("deleted: ");
    assertThat(ok(pvctl.run("get", "veg", "--prefix", "--count-only")).out())
        .isEqualTo("count: 0\n");
    assertThat(ok(pvctl.run("del", "veg/", "--prefix")).out()).startsWith("deleted: 0\n");

    fails(pvctl.run("del", "veg/", "veg0", "--prefix"), 2,
        "give one of RANGE_END, --prefix and --from-key");
    fails(pvctl.run("del", "veg0", "veg/"), 2, "range_end must come after key");
    fails(pvctl.run("del", "veg/", "--prefix", "--if-version", "3"), 2,
        "--if-version goes with one key");
  }

  @Test
  void jsonOutputIsOneDocumentForEveryCommand(@TempDir Path dir) {
    ok(pvctl.run("put", "json-key", "v"));
    List<List<String>> commands = List.of(
        List.of("put", "json-key", "v2", "--ttl", "0"),
        List.of("get", "json-key"),
        List.of("get", "json-key", "--stale"),
        List.of("get", "json-", "--prefix"),
        List.of("get", "json-", "--prefix", "--count-only"),
        List.of("cas", "json-key", "v3", "--if-value", "v2"),
        List.of("del", "json-key"),
        List.of("del", "json-none/", "--prefix"),
        List.of("member", "list"),
        List.of("leader", "show"),
        List.of("status"),
        List.of("stats"),
        List.of("health"),
        List.of("snapshot", "create"),
        List.of("snapshot", "save", dir.resolve("json.pvsn").toString()),
        List.of("config", "get"),
        List.of("config", "set", "eviction-policy=lru"));
    for (List<String> command : commands) {
      String[] args = Stream.concat(command.stream(), Stream.of("-o", "json"))
          .toArray(String[]::new);

      JsonNode document = json(ok(pvctl.run(args)));

      assertThat(document.isObject()).as(String.join(" ", command)).isTrue();
    }

    PvctlRun missing = pvctl.run("get", "json-key", "-o", "json");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(json(missing).get("found").asBoolean()).isFalse();
  }

  @Test
  void memberListAndLeaderShow() throws IOException {
    String leader = cluster.awaitLeader().info().id();

    PvctlRun list = ok(pvctl.run("member", "list"));
    assertThat(list.out().lines().findFirst().orElseThrow())
        .isEqualTo("ID  ROLE      GRPC             REST             RAFT");
    for (PensieveNode node : cluster.members()) {
      assertThat(list.out()).containsPattern("(?m)^" + node.info().id() + " +(LEADER|FOLLOWER) +"
          + "127\\.0\\.0\\.1:" + node.grpcPort() + " +127\\.0\\.0\\.1:" + node.restPort() + " +"
          + node.info().raftAddress().replace(".", "\\.") + "$");
    }
    JsonNode members = json(ok(pvctl.run("member", "list", "-o", "json")));
    assertThat(members.get("members")).hasSizeGreaterThanOrEqualTo(3);

    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(ok(pvctl.run("leader", "show")).out()).startsWith("leader: " + leader + "\n"));
    JsonNode shown = json(ok(pvctl.run("leader", "show", "-o", "json")));
    assertThat(shown.get("grpc_address").asText())
        .isEqualTo("127.0.0.1:" + cluster.node(leader).grpcPort());
  }

  @Test
  void leaderTransferToAFollower() {
    String target = cluster.follower().info().id();

    PvctlRun transfer = ok(pvctl.run("leader", "transfer", target));

    assertThat(transfer.out()).startsWith("leader: " + target + "\n");
    assertThat(cluster.awaitLeader().info().id()).isEqualTo(target);
    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(ok(pvctl.run("leader", "show")).out()).startsWith("leader: " + target + "\n"));
    fails(pvctl.run("leader", "transfer", "n9"), 1, "(not_found)");
  }

  @Test
  void statusHasARowPerMember() {
    PvctlRun status = ok(pvctl.run("status"));

    assertThat(status.out().lines().findFirst().orElseThrow()).isEqualTo(
        "ID  ROLE      TERM  COMMIT  APPLIED  LEADER-CONTACT  SNAPSHOT  KEYS  ADDRESS");
    for (PensieveNode node : cluster.members()) {
      assertThat(status.out()).containsPattern("(?m)^" + node.info().id()
          + " +(LEADER|FOLLOWER) +\\d+ +\\d+ +\\d+ +(-|\\S+ ago) +\\d+ +\\d+ +127\\.0\\.0\\.1:"
          + node.grpcPort() + "$");
    }
    JsonNode json = json(ok(pvctl.run("status", "-o", "json")));
    assertThat(json.get("members")).allSatisfy(member ->
        assertThat(member.get("reachable").asBoolean()).isTrue());
  }

  @Test
  void aStoppedMemberIsAnUnreachableRowAndMakesTheClusterUnhealthy() throws Exception {
    String stopped = cluster.follower().info().id();
    cluster.stop(stopped);
    try {
      PvctlRun status = ok(pvctl.run("status"));
      assertThat(status.out()).containsPattern("(?m)^" + stopped + " +unreachable \\(");

      PvctlRun health = pvctl.run("health");
      assertThat(health.exitCode()).as(health.toString()).isEqualTo(3);
      assertThat(health.out()).containsPattern("(?m)^" + stopped + " +unreachable \\(");
      assertThat(health.err()).startsWith("pvctl: cluster is unhealthy: " + stopped);
    } finally {
      cluster.restart(stopped);
    }
    await().atMost(AWAIT).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> ok(pvctl.run("health")));
  }

  @Test
  void statsSumHitsOverTheMembers() {
    ok(pvctl.run("put", "counted", "x"));
    JsonNode before = json(ok(pvctl.run("stats", "-o", "json")));
    for (PensieveNode node : cluster.members()) {
      ok(at(node).run("get", "counted"));
    }

    JsonNode after = json(ok(pvctl.run("stats", "-o", "json")));

    assertThat(after.get("answered").asInt()).isEqualTo(cluster.members().size());
    assertThat(after.get("hits").asLong())
        .isGreaterThanOrEqualTo(before.get("hits").asLong() + cluster.members().size());
    long summed = StreamSupport.stream(after.get("nodes").spliterator(), false)
        .mapToLong(node -> node.get("hits").asLong()).sum();
    assertThat(after.get("hits").asLong()).isEqualTo(summed);
    assertThat(after.get("entries").asLong()).isPositive();
    assertThat(ok(pvctl.run("stats")).out()).contains("hits: ").contains("NODE  HITS  MISSES");
  }

  @Test
  void healthIsZeroWhenAllServeAndALeaderIsKnown() {
    await().atMost(AWAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      PvctlRun health = ok(pvctl.run("health"));
      assertThat(health.out()).contains("cluster is healthy, leader ");
      assertThat(health.out().lines().filter(line -> line.contains(" SERVING "))).hasSize(3);
    });
  }

  @Test
  void snapshotCreateSaveAndRestore(@TempDir Path dir) throws IOException {
    ok(pvctl.run("put", "snapshotted", "value"));

    assertThat(ok(pvctl.run("snapshot")).out()).containsPattern("(?m)^index: \\d+$");
    String follower = cluster.follower().info().id();
    assertThat(ok(pvctl.run("snapshot", "create", "--node", follower)).out())
        .startsWith("node: " + follower + "\n");
    fails(pvctl.run("snapshot", "create", "--node", "n9"), 1, "no member 'n9' (not_found)");

    Path file = dir.resolve("backup.pvsn");
    PvctlRun saved = ok(pvctl.run("snapshot", "save", file.toString()));
    assertThat(saved.out()).startsWith("file: " + file + "\n");
    assertThat(Files.size(file)).isPositive();
    assertThat(Files.readAllBytes(file)).startsWith("PVSN".getBytes(StandardCharsets.US_ASCII));
    assertThat(dir.resolve("backup.pvsn.part")).doesNotExist();

    ok(pvctl.run("del", "snapshotted"));
    PvctlRun restored = ok(pvctl.run("snapshot", "restore", file.toString()));
    assertThat(restored.out()).containsPattern("(?m)^restored: [1-9]\\d*$");
    assertThat(restored.out()).containsPattern("(?m)^leases: \\d+$");
    assertThat(ok(pvctl.run("get", "snapshotted")).out()).contains("value: value\n");

    fails(pvctl.run("snapshot", "restore", dir.resolve("missing.pvsn").toString()), 2,
        "no such file");
  }

  @Test
  void configGetAndSet() {
    assertThat(ok(pvctl.run("config", "get")).out()).contains("eviction-policy: ")
        .containsPattern("(?m)^max-key-bytes: \\d+$");

    PvctlRun set = ok(pvctl.run("config", "set", "max-entries=100000", "default-ttl=0"));
    assertThat(set.out()).contains("changed: true\n").contains("max-entries: 100000\n");
    assertThat(ok(pvctl.run("config")).out()).contains("max-entries: 100000\n");
    assertThat(ok(pvctl.run("config", "set", "max-entries=0")).out()).contains("max-entries: 0\n");

    fails(pvctl.run("config", "set", "max-key-bytes=999999"), 2, "(invalid_argument)");
    fails(pvctl.run("config", "set", "max-entries=lots"), 2, "max-entries must be a whole number");
    assertThat(ok(pvctl.run("config", "get")).out()).contains("max-entries: 0\n");
  }

  @Test
  void configSetsTheRequestBoundsAndZeroRestoresTheirDefaults() {
    assertThat(ok(pvctl.run("config", "get")).out()).contains("max-range-entries: 10000\n")
        .contains("max-txn-ops: 128\n");

    PvctlRun set = ok(pvctl.run("config", "set", "max-range-entries=5", "max-txn-ops=64"));
    assertThat(set.out()).contains("max-range-entries: 5\n").contains("max-txn-ops: 64\n");
    PvctlRun reset = ok(pvctl.run("config", "set", "max-range-entries=0", "max-txn-ops=0"));
    assertThat(reset.out()).contains("max-range-entries: 10000\n").contains("max-txn-ops: 128\n");

    fails(pvctl.run("config", "set", "max-range-entries=100001"), 2,
        "max_range_entries must be between 1 and 100000");
    assertThat(ok(pvctl.run("config", "get")).out()).contains("max-range-entries: 10000\n");
  }

  @Test
  void membershipAddPromoteAndRemove() throws Exception {
    PensieveNode joining = cluster.startJoining("n4");
    String raft = joining.info().raftAddress();

    PvctlRun added = ok(pvctl.run("member", "add", "n4", raft, "--learner"));
    assertThat(added.out()).containsPattern("(?m)^n4 +LEARNER +.*" + raft.replace(".", "\\.") + "$");
    fails(pvctl.run("member", "add", "n4", raft), 1, "(already_exists)");

    await().atMost(AWAIT).untilAsserted(() -> assertThat(ok(pvctl.run("member", "promote", "n4"))
        .out()).containsPattern("(?m)^n4 +FOLLOWER +"));
    fails(pvctl.run("member", "remove", "n9"), 1, "(not_found)");

    PvctlRun removed = ok(pvctl.run("member", "remove", "n4"));
    assertThat(removed.out()).doesNotContain("n4");
    cluster.awaitLeader();
    assertThat(ok(pvctl.run("member", "list")).out()).doesNotContain("n4");
  }

  @Test
  void addingAMemberThatCannotBeReachedIsRefused() throws IOException {
    String address = "127.0.0.1:" + Launcher.freePort();

    PvctlRun refused = pvctl.run("member", "add", "n5", address);

    fails(refused, 1, "(failed_precondition)");
    assertThat(refused.err()).contains("cannot reach n5 at " + address);
    assertThat(ok(pvctl.run("member", "list")).out()).doesNotContain("n5");
  }

}
