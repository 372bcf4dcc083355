package io.pensieve.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.pensieve.api.auth.Role;
import io.pensieve.server.PensieveNode;
import io.pensieve.server.auth.Access;
import io.pensieve.server.auth.AuthSettings;
import io.pensieve.server.auth.Tokens;
import io.pensieve.server.cluster.RestClient;
import io.pensieve.server.cluster.RestClient.Reply;
import io.pensieve.server.cluster.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The route table, proved from its own rows on two real one-node clusters, one with
 * authentication on and one with it off: every row is routed (a request reaches its action, not
 * one of the router's refusals), classified (with authentication on, a token without the row's
 * role is refused and one with it is not) and labelled (its requests are counted under its
 * template); every other method on a template answers 405 and every path outside the table 404,
 * counted as {@code other}. A new row is covered without a change here.
 */
class RouteTableIT {
  private static final byte[] SECRET =
      "route-table-test-secret-0123456789-abcdefgh".getBytes(StandardCharsets.US_ASCII);
  private static final Path AUTH_DIR = writeAuthFiles();
  private static final String KEY = "route-table-key";
  /** A body that each write and body-carrying read of the table accepts. */
  private static final String BODY =
      "{\"key\":\"" + KEY + "\",\"value\":\"v\",\"val\":\"v\"}";
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  private static final Pattern REQUESTS = Pattern.compile(
      "^pensieve_http_requests_total\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  @RegisterExtension
  static final TestCluster secured = TestCluster.perClass(1, builder -> builder.auth(
      AuthSettings.hs256(AUTH_DIR.resolve("secret"), Optional.of(AUTH_DIR.resolve("users")),
          Duration.ofMinutes(10))));
  @RegisterExtension
  static final TestCluster open = TestCluster.perClass(1);

  private static final Map<Role, String> TOKENS = new EnumMap<>(Role.class);

  static {
    for (Role role : Role.values()) {
      TOKENS.put(role, "Bearer " + Tokens.hs256(SECRET,
          Tokens.claims("only-" + role.claimName(), Duration.ofMinutes(30), role.claimName())
              .build()));
    }
  }

  private final RestClient rest = new RestClient();

  /** A node of one of the two clusters, and the table it serves. */
  enum Node {
    AUTHENTICATION_ON, AUTHENTICATION_OFF;

    boolean authenticationOn() {
      return this == AUTHENTICATION_ON;
    }

    PensieveNode node() {
      return (authenticationOn() ? secured : open).awaitLeader();
    }

    RouteTable table() {
      return RouteTable.forNode(authenticationOn());
    }
  }

  static Stream<Arguments> rows() {
    return Stream.of(Node.values()).flatMap(node -> node.table().rows().stream()
        .map(route -> Arguments.of(node, route)));
  }

  static Stream<Arguments> templates() {
    return Stream.of(Node.values()).flatMap(node -> byTemplate(node.table()).values().stream()
        .map(routes -> Arguments.of(node, routes.get(0).template(), routes)));
  }

  @AfterAll
  static void deleteAuthFiles() throws IOException {
    try (Stream<Path> files = Files.walk(AUTH_DIR)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  // ---- every row: routed, classified, labelled ----

  @ParameterizedTest(name = "{1} with authentication {0}")
  @MethodSource("rows")
  void everyRowIsRoutedClassifiedAndLabelled(Node on, Route route) {
    PensieveNode node = on.node();
    Map<List<String>, Double> before = requestCounts(node);
    String path = route.prefix() + (route.keyed() ? KEY : "");
    List<Reply> served = new ArrayList<>();

    if (!on.authenticationOn() || route.access() == Access.OPEN) {
      served.add(send(node, route.method(), path, null));
    } else {
      Reply anonymous = send(node, route.method(), path, null);
      assertThat(anonymous.status()).as(route + " without a token: " + anonymous.text())
          .isEqualTo(401);
      for (Role role : Role.values()) {
        Reply reply = send(node, route.method(), path, TOKENS.get(role));
        if (allows(role, route.access())) {
          served.add(reply);
        } else {
          assertThat(reply.status()).as(route + " with only " + role + ": " + reply.text())
              .isEqualTo(403);
          assertThat(reply.json().path("error").path("code").asText())
              .isEqualTo("permission_denied");
        }
      }
    }

    assertThat(served).as(route + " served to someone").isNotEmpty();
    for (Reply reply : served) {
      assertReachedItsAction(route, reply);
    }
    int sent = on.authenticationOn() && route.access() != Access.OPEN
        ? 1 + Role.values().length : 1;
    awaitCounted(node, before, route.label(), route.method(), sent);
  }

  // ---- nothing outside the table ----

  @ParameterizedTest(name = "{1} with authentication {0}")
  @MethodSource("templates")
  void everyOtherMethodOnATemplateIs405WithItsAllowAndLabel(Node on, String template,
      List<Route> routes) {
    PensieveNode node = on.node();
    Map<List<String>, Double> before = requestCounts(node);
    Route first = routes.get(0);
    String path = first.prefix() + (first.keyed() ? KEY : "");
    List<String> allowed = routes.stream().map(Route::method).toList();
    Access needed = routes.stream().map(Route::access).max(Comparator.naturalOrder())
        .orElseThrow();
    Map<List<String>, Integer> sent = new LinkedHashMap<>();

    for (String method : METHODS) {
      if (allowed.contains(method)) {
        continue;
      }
      List<Optional<Role>> callers = on.authenticationOn() && needed != Access.OPEN
          ? Stream.of(Role.values()).map(Optional::of).toList() : List.of(Optional.empty());
      for (Optional<Role> caller : callers) {
        Reply reply = send(node, method, path, caller.map(TOKENS::get).orElse(null));
        sent.merge(List.of(template, method), 1, Integer::sum);
        String what = method + " " + path + caller.map(r -> " with only " + r).orElse("");
        if (caller.isPresent() && !allows(caller.get(), needed)) {
          assertThat(reply.status()).as(what + ": " + reply.text()).isEqualTo(403);
          continue;
        }
        assertThat(reply.status()).as(what + ": " + reply.text()).isEqualTo(405);
        assertThat(reply.headers().firstValue("Allow")).as(what)
            .hasValue(String.join(", ", allowed));
        if (!method.equals("HEAD")) {
          assertThat(errorCode(first.kind(), reply.json())).as(what + ": " + reply.text())
              .isEqualTo("method_not_allowed");
        }
      }
    }

    awaitCounted(node, before, sent);
  }

  @ParameterizedTest(name = "authentication {0}")
  @EnumSource(Node.class)
  void aPathOutsideTheTableIs404AndLabelledOther(Node on) {
    PensieveNode node = on.node();
    List<Route> rows = on.table().rows();
    Set<String> paths = unroutedPaths(rows);
    Map<List<String>, Double> before = requestCounts(node);

    for (String path : paths) {
      for (String method : List.of("GET", "POST")) {
        if (on.authenticationOn()) {
          Reply anonymous = send(node, method, path, null);
          assertThat(anonymous.status()).as(method + " " + path + " without a token")
              .isEqualTo(401);
        }
        Reply reply = send(node, method, path, on.authenticationOn() ? TOKENS.get(Role.READ)
            : null);
        assertThat(reply.status()).as(method + " " + path + ": " + reply.text())
            .isEqualTo(404);
        JsonNode error = reply.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("not_found");
        assertThat(error.path("message").asText()).isEqualTo("no route " + path);
      }
    }

    int perMethod = paths.size() * (on.authenticationOn() ? 2 : 1);
    awaitCounted(node, before, Map.of(List.of(RouteTable.UNMATCHED, "GET"), perMethod,
        List.of(RouteTable.UNMATCHED, "POST"), perMethod));
  }

  // ---- helpers ----

  /**
   * Paths near the table's templates that none of them matches, by the templates' own rule (a
   * fixed template is its path; one ending in {key} is its prefix and anything after it).
   */
  private static Set<String> unroutedPaths(List<Route> rows) {
    Set<String> candidates = new LinkedHashSet<>(List.of("/", "/nowhere", "/v2/kv/" + KEY));
    for (Route route : rows) {
      String prefix = route.prefix();
      if (route.keyed()) {
        candidates.add(prefix.substring(0, prefix.length() - 1));
        candidates.add(prefix.toUpperCase(Locale.ROOT) + KEY);
      } else {
        candidates.add(prefix + "/extra");
        candidates.add(prefix + "x");
        candidates.add(prefix.substring(0, prefix.length() - 1));
        candidates.add(prefix.toUpperCase(Locale.ROOT));
      }
    }
    candidates.removeIf(path -> path.isEmpty() || rows.stream().anyMatch(route -> route.keyed()
        ? path.startsWith(route.prefix()) : path.equals(route.template())));
    assertThat(candidates).hasSizeGreaterThan(rows.size());
    return candidates;
  }

  /** Not one of the router's own answers: no token, no role, no route, no method, no member. */
  private static void assertReachedItsAction(Route route, Reply reply) {
    String what = route + " answered " + reply.status() + " " + reply.text();
    assertThat(reply.status()).as(what).isNotIn(401, 403, 405, 500);
    if (reply.status() == 404) {
      assertThat(reply.text()).as(what).doesNotContain("no route");
    }
    if (reply.status() == 503) { // a node not ready yet says so at /ready: that is its action
      assertThat(reply.text()).as(what).doesNotContain("not serving");
    }
  }

  private static boolean allows(Role role, Access access) {
    return access.role().isEmpty() || role == Role.ADMIN || role == access.role().get();
  }

  private static String errorCode(Route.Kind kind, JsonNode body) {
    return kind == Route.Kind.SEED ? body.path("code").asText()
        : body.path("error").path("code").asText();
  }

  private static Map<String, List<Route>> byTemplate(RouteTable table) {
    Map<String, List<Route>> templates = new LinkedHashMap<>();
    for (Route route : table.rows()) {
      templates.computeIfAbsent(route.template(), t -> new ArrayList<>()).add(route);
    }
    return templates;
  }

  private Reply send(PensieveNode node, String method, String path, String authorization) {
    boolean withBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    HttpRequest.Builder request = HttpRequest.newBuilder(RestClient.uri(node, path))
        .timeout(Duration.ofSeconds(30))
        .method(method, withBody ? HttpRequest.BodyPublishers.ofString(BODY)
            : HttpRequest.BodyPublishers.noBody());
    if (withBody) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return rest.send(request.build());
  }

  private void awaitCounted(PensieveNode node, Map<List<String>, Double> before, String route,
      String method, int sent) {
    awaitCounted(node, before, Map.of(List.of(route, method), sent));
  }

  /**
   * Waits until the requests counted under each route and method moved by exactly the number
   * sent (by at least that for the scrape, which counts itself too).
   */
  private void awaitCounted(PensieveNode node, Map<List<String>, Double> before,
      Map<List<String>, Integer> sent) {
    await(sent + " counted").atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
          Map<List<String>, Double> after = requestCounts(node);
          sent.forEach((series, requests) -> {
            double count = requests;
            double moved = after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
            if (series.equals(List.of("/metrics", "GET"))) {
              assertThat(moved).as(series.toString()).isGreaterThanOrEqualTo(count);
            } else {
              assertThat(moved).as(series.toString()).isEqualTo(count);
            }
          });
        });
  }

  /** {@code pensieve_http_requests_total} by route and method, statuses summed. */
  private Map<List<String>, Double> requestCounts(PensieveNode node) {
    Reply scrape = rest.get(node, "/metrics");
    assertThat(scrape.status()).isEqualTo(200);
    Map<List<String>, Double> counts = new HashMap<>();
    Matcher sample = REQUESTS.matcher(scrape.text());
    while (sample.find()) {
      Map<String, String> labels = new HashMap<>();
      Matcher label = LABEL.matcher(sample.group(1));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      counts.merge(List.of(labels.get("route"), labels.get("method")),
          Double.parseDouble(sample.group(2)), Double::sum);
    }
    return counts;
  }

  private static Path writeAuthFiles() {
    try {
      Path dir = Files.createTempDirectory("pensieve-route-table-");
      Files.write(dir.resolve("secret"), SECRET);
      Files.write(dir.resolve("users"), List.of("# name:roles:bcrypt", "carol:read:"
          + BCrypt.withDefaults().hashToString(4, "carol-password".toCharArray())));
      for (String file : List.of("secret", "users")) {
        Files.setPosixFilePermissions(dir.resolve(file),
            PosixFilePermissions.fromString("rw-------"));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
