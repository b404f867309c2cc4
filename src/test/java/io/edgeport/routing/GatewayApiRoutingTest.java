package io.edgeport.routing;

import static io.edgeport.routing.RouteTableTest.build;
import static io.edgeport.routing.RouteTableTest.port;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.model.ClientRules;
import io.edgeport.model.Domain;
import io.edgeport.model.HttpsPolicy;
import io.edgeport.model.PathRule;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RequestConditions;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.WeightedBackend;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Gateway API routing: match precedence, hostnames of any depth and fall-through, weighted backends. */
class GatewayApiRoutingTest {

  static PathRule rule(PathMatch match, String path, int nodePort, RequestConditions when) {
    return new PathRule(match, path, List.of(new WeightedBackend(port(nodePort), 1)), when, RouteFilters.NONE);
  }

  static Domain gateway(String host, PathRule... rules) {
    return new Domain(host, List.of(rules), "httproute test", HttpsPolicy.NONE, ClientRules.NONE, true);
  }

  static RequestConditions when(String method, Map<String, String> headers, Map<String, String> query) {
    List<NameValue> h = new ArrayList<>();
    headers.forEach((k, v) -> h.add(new NameValue(k, v)));
    List<NameValue> q = new ArrayList<>();
    query.forEach((k, v) -> q.add(new NameValue(k, v)));
    return new RequestConditions(method, h, q, null);
  }

  static String pick(RouteTable t, String host, String method, String target, String... headers) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    int q = target.indexOf('?');
    Route r = t.route(host, q < 0 ? target : target.substring(0, q), method, h, target, false);
    return r == null ? null : r.backend().name();
  }

  @Test
  void precedenceIsExactPathThenLongestPrefixThenMethodThenMostHeadersThenMostQueryParameters() {
    RouteTable t = build(List.of(gateway("api.example.com",
        rule(PathMatch.PREFIX, "/", 30001, RequestConditions.NONE),
        rule(PathMatch.PREFIX, "/", 30002, when("POST", Map.of(), Map.of())),
        rule(PathMatch.PREFIX, "/", 30003, when(null, Map.of("x-env", "canary"), Map.of())),
        rule(PathMatch.PREFIX, "/", 30004, when(null, new TreeMap<>(Map.of("x-env", "canary", "x-user", "a")), Map.of())),
        rule(PathMatch.PREFIX, "/", 30005, when(null, Map.of("x-env", "canary"), Map.of("debug", "1"))),
        rule(PathMatch.PREFIX, "/api", 30006, RequestConditions.NONE),
        rule(PathMatch.EXACT, "/api", 30007, RequestConditions.NONE))));
    assertEquals(":30001", pick(t, "api.example.com", "GET", "/x"));
    assertEquals(":30002", pick(t, "api.example.com", "POST", "/x", "x-env", "canary"), "a method beats headers");
    assertEquals(":30004", pick(t, "api.example.com", "GET", "/x?debug=1", "x-env", "canary", "X-User", "a"),
        "two headers beat one header and a query parameter");
    assertEquals(":30005", pick(t, "api.example.com", "GET", "/x?debug=1", "x-env", "canary"),
        "a query parameter breaks the tie of one header each");
    assertEquals(":30003", pick(t, "api.example.com", "GET", "/x?debug=2", "x-env", "canary"));
    assertEquals(":30001", pick(t, "api.example.com", "GET", "/x", "x-env", "Canary"), "values are exact");
    assertEquals(":30006", pick(t, "api.example.com", "POST", "/api/v1"), "a longer prefix beats a method");
    assertEquals(":30007", pick(t, "api.example.com", "GET", "/api"), "Exact beats the same prefix");
  }

  @Test
  void equalRulesKeepTheirOrderOldestRouteFirst() {
    RouteTable t = build(List.of(gateway("api.example.com",
        rule(PathMatch.PREFIX, "/", 30001, when(null, Map.of("x-a", "1"), Map.of())),
        rule(PathMatch.PREFIX, "/", 30002, when(null, Map.of("x-b", "1"), Map.of())))));
    assertEquals(":30001", pick(t, "api.example.com", "GET", "/", "x-b", "1", "x-a", "1"));
    assertEquals(":30002", pick(t, "api.example.com", "GET", "/", "x-b", "1"));
    assertNull(pick(t, "api.example.com", "GET", "/"), "no rule without conditions: 404");
  }

  @Test
  void wildcardsCoverAnyDepthAndRequestsFallToLessSpecificHosts() {
    RouteTable t = build(List.of(
        gateway("a.example.com", rule(PathMatch.PREFIX, "/a", 30001, RequestConditions.NONE)),
        gateway("*.example.com", rule(PathMatch.PREFIX, "/", 30002, RequestConditions.NONE)),
        gateway("*.b.example.com", rule(PathMatch.PREFIX, "/b", 30003, RequestConditions.NONE)),
        gateway("*", rule(PathMatch.PREFIX, "/any", 30004, RequestConditions.NONE))));
    assertEquals(":30001", pick(t, "a.example.com", "GET", "/a/x"));
    assertEquals(":30002", pick(t, "a.example.com", "GET", "/other"), "falls to *.example.com");
    assertEquals(":30002", pick(t, "x.y.z.example.com", "GET", "/"), "a Gateway API wildcard covers any depth");
    assertEquals(":30003", pick(t, "c.b.example.com", "GET", "/b"), "the most specific wildcard first");
    assertEquals(":30002", pick(t, "c.b.example.com", "GET", "/c"));
    assertNull(pick(t, "example.com", "GET", "/"), "a wildcard needs at least one more label");
    assertEquals(":30004", pick(t, "example.com", "GET", "/any"), "* is every host");
    assertEquals(":30004", pick(t, "other.org", "GET", "/any/x"));
    assertNull(pick(t, "other.org", "GET", "/"));
  }

  @Test
  void configHostsDoNotFallThroughAndKeepOneLabelWildcards() {
    RouteTable t = build(List.of(
        new Domain("a.example.com", List.of(new PathRule(PathMatch.PREFIX, "/a", port(30001)))),
        new Domain("*.apps.example.com", List.of(PathRule.everything(port(30005)))),
        gateway("*.example.com", rule(PathMatch.PREFIX, "/", 30002, RequestConditions.NONE))));
    assertNull(pick(t, "a.example.com", "GET", "/other"), "a config host answers for itself");
    assertEquals(":30005", pick(t, "x.apps.example.com", "GET", "/"));
    assertEquals(":30002", pick(t, "x.y.apps.example.com", "GET", "/"));
  }

  @Test
  void coversIsAboutHostPatterns() {
    assertTrue(RouteTableBuilder.covers("*.example.com", "a.example.com"));
    assertTrue(RouteTableBuilder.covers("*.example.com", "*.b.example.com"));
    assertTrue(RouteTableBuilder.covers("*", "a.example.com"));
    assertFalse(RouteTableBuilder.covers("*.example.com", "example.com"));
    assertFalse(RouteTableBuilder.covers("*.example.com", "*.example.com"));
    assertFalse(RouteTableBuilder.covers("a.example.com", "a.example.com"));
    assertFalse(RouteTableBuilder.covers("*.example.com", "aexample.com"));
  }

  @Test
  void weightsSplitExactlyPerCycleAndSpreadWithinIt() {
    RouteTable t = build(List.of(gateway("api.example.com", new PathRule(PathMatch.PREFIX, "/",
        List.of(new WeightedBackend(port(30001), 90), new WeightedBackend(port(30002), 10),
            new WeightedBackend(port(30003), 0)), RequestConditions.NONE, RouteFilters.NONE))));
    BackendSplit split = t.route("api.example.com", "/").backends();
    StringBuilder seq = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      seq.append(split.pick().name().equals(":30002") ? 'B' : 'a');
    }
    // 90/10 is 9/1: total 10, stride 7 (coprime with 10): slots 0,7,4,1,8,5,2,9,6,3; slot 9 is :30002's
    assertEquals("aaaaaaaBaa", seq.toString());
    int b = 0;
    for (int i = 0; i < 1000; i++) {
      b += split.pick().name().equals(":30002") ? 1 : 0;
    }
    assertEquals(100, b, "exactly 10 % over whole cycles; weight 0 takes nothing");
    assertEquals(2, split.all().size());
  }

  @Test
  void aSplitSpreadsAnUnevenWeightOverTheCycle() {
    BackendSplit split = new BackendSplit(List.of(backend("a"), backend("b")), List.of(2, 3));
    StringBuilder seq = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      seq.append(split.pick().name());
    }
    // total 5, stride 3: slots 0,3,1,4,2 → a b a b b, twice
    assertEquals("ababbababb", seq.toString());
    assertNull(new BackendSplit(List.of(backend("a")), List.of(0)).pick(), "all weights 0: no backend");
    assertNull(new BackendSplit(List.of(), List.of()).pick());
  }

  private static Backend backend(String name) {
    return new Backend(name, null, List.of(), null, null, null, false, 0, null);
  }
}
