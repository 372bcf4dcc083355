package io.pensieve.server.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pensieve.server.auth.Access;
import io.pensieve.server.rest.Route.Serving;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The table refuses rows that would make a path ambiguous, and matches paths by its rules. */
class RouteTableTest {
  private static final Route.Action NOTHING = (handlers, exchange) -> { };

  @Test
  void theNodesTablesDifferOnlyInWhoAnswersLogin() {
    List<Route> on = RouteTable.forNode(true).rows();
    List<Route> off = RouteTable.forNode(false).rows();

    assertThat(on).filteredOn(r -> !off.contains(r)).singleElement().satisfies(r -> {
      assertThat(r.toString()).isEqualTo("POST /login");
      assertThat(r.kind()).isEqualTo(Route.Kind.CANONICAL);
      assertThat(r.serving()).isEqualTo(Serving.ALWAYS);
    });
    assertThat(off).filteredOn(r -> !on.contains(r)).singleElement().satisfies(r -> {
      assertThat(r.toString()).isEqualTo("POST /login");
      assertThat(r.kind()).isEqualTo(Route.Kind.SEED);
      assertThat(r.serving()).isEqualTo(Serving.MEMBER);
    });
    assertThat(RouteTable.ROWS).hasSize(on.size() + 1);
  }

  @Test
  void aKeyedTemplateMatchesItsPrefixAndAnythingAfter() {
    RouteTable table = RouteTable.forNode(false);

    assertThat(table.match("/v1/kv/a%2Fb/c")).hasValueSatisfying(m -> {
      assertThat(m.template()).isEqualTo("/v1/kv/{key}");
      assertThat(m.key()).isEqualTo("a%2Fb/c");
      assertThat(m.methods()).containsExactly("GET", "PUT", "DELETE");
    });
    assertThat(table.match("/v1/kv/")).hasValueSatisfying(m -> assertThat(m.key()).isEmpty());
    // the ranges' own template, not an empty key
    assertThat(table.match("/v1/kv")).hasValueSatisfying(m -> {
      assertThat(m.template()).isEqualTo("/v1/kv");
      assertThat(m.key()).isEmpty();
      assertThat(m.methods()).containsExactly("GET", "DELETE");
    });
    assertThat(table.match("/v1/kvs")).isEmpty();
    assertThat(table.match("/get")).hasValueSatisfying(m -> assertThat(m.template())
        .isEqualTo("/get"));
  }

  @Test
  void aMethodWithoutARowNeedsTheMostAnyRowOfItsTemplateNeeds() {
    RouteTable.Match kv = RouteTable.forNode(true).match("/v1/kv/k").orElseThrow();
    RouteTable.Match health = RouteTable.forNode(true).match("/health").orElseThrow();

    assertThat(kv.access("GET")).isEqualTo(Access.READ);
    assertThat(kv.access("DELETE")).isEqualTo(Access.WRITE);
    assertThat(kv.access("POST")).isEqualTo(Access.WRITE);
    assertThat(health.access("POST")).isEqualTo(Access.OPEN);
  }

  @Test
  void onlyTheProbesAreExemptFromTheConcurrencyLimit() {
    RouteTable table = RouteTable.forNode(true);

    assertThat(table.rows()).filteredOn(r -> table.probe(r.prefix()))
        .extracting(Route::template).containsExactlyInAnyOrder("/health", "/ready", "/metrics");
    assertThat(table.probe("/nowhere")).isFalse();
  }

  @Test
  void twoRowsForOneMethodAndTemplateAreRefused() {
    assertThatThrownBy(() -> RouteTable.of(List.of(
        Route.canonical("GET", "/a", Access.READ, NOTHING),
        Route.canonical("GET", "/a", Access.WRITE, NOTHING))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("two rows for GET /a");
  }

  @Test
  void aTemplateThatMatchesAnothersPathsIsRefused() {
    assertThatThrownBy(() -> RouteTable.of(List.of(
        Route.canonical("GET", "/v1/kv/{key}", Access.READ, NOTHING),
        Route.canonical("GET", "/v1/kv/special", Access.READ, NOTHING))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("overlaps");
    assertThatThrownBy(() -> RouteTable.of(List.of(
        Route.canonical("GET", "/a/{key}", Access.READ, NOTHING),
        Route.canonical("GET", "/a/b/{key}", Access.READ, NOTHING))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("overlaps");
  }

  @Test
  void aTemplatesRowsShareTheirErrorShapeAndWhenTheyAreServed() {
    assertThatThrownBy(() -> RouteTable.of(List.of(
        Route.canonical("GET", "/a", Access.READ, NOTHING),
        Route.seed("POST", "/a", Access.WRITE, (seeds, exchange) -> { }))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("kind");
    assertThatThrownBy(() -> RouteTable.of(List.of(
        Route.canonical("GET", "/a", Access.READ, NOTHING),
        Route.canonical("POST", "/a", Access.READ, NOTHING).served(Serving.ALWAYS))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("served");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "/a/{key}/b", "/a{key}", "/{key}x"})
  void aTemplateIsAPathOrAPrefixEndingInKey(String template) {
    assertThatThrownBy(() -> Route.canonical("GET", template, Access.READ, NOTHING))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
