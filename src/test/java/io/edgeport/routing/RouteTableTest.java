package io.edgeport.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgeport.balance.Endpoint;
import io.edgeport.balance.RetryBudget;
import io.edgeport.model.BackendRef;
import io.edgeport.model.Domain;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.net.HostNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  static final List<String> NODES = List.of("10.0.0.1", "10.0.0.2");

  /** Every node takes traffic: no health information in these tests. */
  static RouteTable build(List<Domain> domains) {
    EndpointFilter allNodes = (backend, nodes) -> nodes.stream().map(n -> new Endpoint(n, backend.nodePort())).toList();
    return RouteTableBuilder.build(domains, NODES, Resolutions.of(domains, BackendResolver.STATIC), allNodes,
        ref -> new RetryBudget(20, 10), domain -> null);
  }

  static BackendRef port(int p) {
    return new BackendRef(p, LoadBalancing.ROUND_ROBIN);
  }

  static Domain domain(String host, int nodePort) {
    return new Domain(host, List.of(PathRule.everything(port(nodePort))));
  }

  /** As the request path routes: the path in its matching form, and none for a refused one. */
  static String nodePort(RouteTable table, String host, String path) {
    String matching = PathNormalizer.forMatching(path);
    Route r = matching == null ? null : table.route(host, matching);
    return r == null ? null : r.backend().name();
  }

  @Test
  void exactAndWildcardHosts() {
    RouteTable t = build(List.of(domain("api.example.com", 30001), domain("*.apps.example.com", 30002),
        domain("x.apps.example.com", 30003)));
    assertEquals(":30001", nodePort(t, "api.example.com", "/"));
    assertEquals(":30002", nodePort(t, "a.apps.example.com", "/"));
    assertEquals(":30003", nodePort(t, "x.apps.example.com", "/"), "an exact host wins over a wildcard");
    assertNull(nodePort(t, "apps.example.com", "/"), "the wildcard needs one more label");
    assertNull(nodePort(t, "a.b.apps.example.com", "/"), "and exactly one");
    assertNull(nodePort(t, "example.com", "/"));
    assertNull(nodePort(t, "com", "/"));
  }

  @Test
  void pathsAreMatchedElementWiseLongestFirstExactBeforePrefix() {
    RouteTable t = build(List.of(new Domain("shop.example.com", List.of(
        new PathRule(PathMatch.PREFIX, "/", port(30001)),
        new PathRule(PathMatch.PREFIX, "/api", port(30002)),
        new PathRule(PathMatch.PREFIX, "/api/v2", port(30003)),
        new PathRule(PathMatch.EXACT, "/api/v2", port(30004)),
        new PathRule(PathMatch.EXACT, "/health", port(30005))))));
    assertEquals(":30002", nodePort(t, "shop.example.com", "/api"));
    assertEquals(":30002", nodePort(t, "shop.example.com", "/api/"));
    assertEquals(":30002", nodePort(t, "shop.example.com", "/api/v1/users"));
    assertEquals(":30001", nodePort(t, "shop.example.com", "/apix"));
    assertEquals(":30004", nodePort(t, "shop.example.com", "/api/v2"), "Exact beats Prefix of the same path");
    assertEquals(":30003", nodePort(t, "shop.example.com", "/api/v2/x"));
    assertEquals(":30005", nodePort(t, "shop.example.com", "/health"));
    assertEquals(":30001", nodePort(t, "shop.example.com", "/health/x"));
    assertEquals(":30001", nodePort(t, "shop.example.com", "/"));
  }

  @Test
  void pathsWithoutACatchAllCanMiss() {
    RouteTable t = build(List.of(new Domain("shop.example.com",
        List.of(new PathRule(PathMatch.PREFIX, "/api", port(30002))))));
    assertNull(nodePort(t, "shop.example.com", "/"));
    assertNull(nodePort(t, "shop.example.com", "/apix"));
  }

  @Test
  void pathsAreMatchedNormalized() {
    assertEquals("/api/v1", PathNormalizer.forMatching("/%61pi/v1"));
    assertEquals("/api/v1", PathNormalizer.forMatching("//api//v1"));
    assertEquals("/api/", PathNormalizer.forMatching("/x/../api/./"));
    assertEquals("/", PathNormalizer.forMatching("/../../"));
    assertEquals("/a%zz", PathNormalizer.forMatching("/a%zz"));
    String plain = "/api/v1";
    assertSame(plain, PathNormalizer.forMatching(plain), "the common case allocates nothing");
  }

  @Test
  void pathParametersAndBackslashesAreMatchedAsServletContainersAndIisReadThem() {
    assertEquals("/admin", PathNormalizer.forMatching("/admin;x"));
    assertEquals("/admin/users", PathNormalizer.forMatching("/admin;jsessionid=1/users;v=2"));
    assertEquals("/admin", PathNormalizer.forMatching("/admin%3bx"));
    assertEquals("/a%3bb", PathNormalizer.forMatching("/a%253bb"), "decoded once, not twice");
    assertEquals("/admin/x", PathNormalizer.forMatching("/admin\\x"));
    assertEquals("/admin/x", PathNormalizer.forMatching("/admin%5cx"));
    assertEquals("/admin/x", PathNormalizer.forMatching("/admin%2Fx"));
    assertEquals("/a/", PathNormalizer.forMatching("/a/;x"));
    assertEquals("/.well-known/x", PathNormalizer.forMatching("/.well-known/x"));
    assertEquals("/a/...", PathNormalizer.forMatching("/a/..."));
    assertEquals("/b", PathNormalizer.forMatching("/a;x/../b"), "the parameters of a segment that '..' removes");
  }

  @Test
  void pathsThatServersReadDifferentlyAreRefused() {
    for (String ambiguous : List.of("/api/..;/actuator", "/api/..;x/admin", "/api/.;/admin", "/api/%2e%2e/admin",
        "/api/.%2E/admin", "/api/%2e/admin", "/api\\..\\admin", "/api/..\\admin", "/api%2f..%2fadmin",
        "/api/..%2fadmin", "/api%5c..%5cadmin", "/a\\b/../c", "/a%2fb/../c", "/api//../admin", "//../admin",
        "/admin#/../api", "/admin#x")) {
      assertNull(PathNormalizer.forMatching(ambiguous), ambiguous);
    }
    RouteTable t = build(List.of(new Domain("shop.example.com", List.of(
        new PathRule(PathMatch.PREFIX, "/", port(30001)),
        new PathRule(PathMatch.PREFIX, "/api", port(30002)),
        new PathRule(PathMatch.PREFIX, "/admin", port(30003))))));
    assertNull(nodePort(t, "shop.example.com", "/api/..;/admin"), "matches no rule at all");
    assertEquals(":30003", nodePort(t, "shop.example.com", "/admin;x"), "not the catch-all");
    assertEquals(":30003", nodePort(t, "shop.example.com", "/admin;x/secret"));
    assertEquals(":30003", nodePort(t, "shop.example.com", "/api/../admin"), "plain dot-segments still resolve");
    assertEquals(":30002", nodePort(t, "shop.example.com", "/api;v=2/users"));
    assertEquals(":30001", nodePort(t, "shop.example.com", "/administrator;x"));
    assertEquals(":30001", nodePort(t, "shop.example.com", "/admin%253bx"),
        "decoded once: the lookup takes the matching path as it is, and does not normalize it again");
  }

  @Test
  void backendsAreSharedPerNodePortAndPolicy() {
    RouteTable t = build(List.of(domain("a.example.com", 30001), domain("b.example.com", 30001)));
    assertSame(t.route("a.example.com", "/").backend(), t.route("b.example.com", "/").backend());
    assertEquals(List.of("10.0.0.1:30001", "10.0.0.2:30001"),
        t.route("a.example.com", "/").backend().balancer().endpoints().stream().map(Object::toString).toList());
  }

  @Test
  void tensOfThousandsOfDomainsAreLookedUpByHash() {
    List<Domain> many = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      many.add(domain("site" + i + ".example.com", 30000 + i % 2000));
    }
    RouteTable t = build(many);
    assertEquals(50_000, t.domainCount());
    assertEquals(":" + (30000 + 49_999 % 2000), nodePort(t, "site49999.example.com", "/"));
  }

  @Test
  void requestAuthoritiesAreNormalizedAndIpLiteralsRejected() {
    assertEquals("api.example.com", HostNames.routingKey("API.Example.com"));
    assertEquals("api.example.com", HostNames.routingKey("api.example.com.:8080"));
    assertNull(HostNames.routingKey("10.0.0.1"));
    assertNull(HostNames.routingKey("10.0.0.1:80"));
    assertNull(HostNames.routingKey("[::1]:80"));
    assertNull(HostNames.routingKey(""));
    assertNull(HostNames.routingKey(null));
    assertNull(HostNames.routingKey("a..b"));
    assertNull(HostNames.routingKey("a.b:x"));
    assertNull(HostNames.routingKey("evil.com/x"));
    assertNull(HostNames.routingKey("user@api.example.com"));
  }
}
