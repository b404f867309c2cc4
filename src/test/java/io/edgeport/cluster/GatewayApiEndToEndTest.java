package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.admin.AdminServer;
import io.edgeport.support.Await;
import io.edgeport.support.Browser;
import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestCertificates;
import io.edgeport.support.TestNodes;
import io.edgeport.support.TlsProbe;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gateway API end to end: GatewayClass, Gateways and HTTPRoutes in the CRUD mock API server with real
 * watches, requests through edgeport to nodes on 127.0.0.2-4, and the status edgeport writes back.
 */
class GatewayApiEndToEndTest extends GatewayApiTestBase {
  @Test
  void aGatewayAndItsRouteAreAcceptedServedAndReported() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null), listener("udp", "UDP", 80, null),
        listener("alt", "HTTP", 8081, null));
    route("default", "api", List.of("api.example.com"), "default/edge", to("api-service", prefix("/")));
    startGateway();
    Await.until(gateway, serves("api.example.com"), WAIT);
    assertEquals(200, request("api.example.com", "/").status());
    assertEquals(404, request("other.example.com", "/").status());

    GatewayClass gc = kube.resources(GatewayClass.class).withName("edgeport").waitUntilCondition(c ->
        c.getStatus() != null && has(c.getStatus().getConditions(), "Accepted", "True", "Accepted"), WAIT,
        TimeUnit.SECONDS);
    assertEquals(1L, condition(gc.getStatus().getConditions(), "Accepted").getObservedGeneration());

    Gateway g = gatewayStatus("default", "edge", x -> listenerStatus(x, "http").getAttachedRoutes() == 1);
    assertTrue(has(g.getStatus().getConditions(), "Accepted", "True", "ListenersNotValid"), "two listeners cannot serve");
    assertTrue(has(g.getStatus().getConditions(), "Programmed", "True", "Programmed"));
    assertEquals("203.0.113.10", g.getStatus().getAddresses().get(0).getValue());
    assertEquals("IPAddress", g.getStatus().getAddresses().get(0).getType());
    ListenerStatus http = listenerStatus(g, "http");
    assertTrue(has(http.getConditions(), "Accepted", "True", "Accepted"));
    assertTrue(has(http.getConditions(), "Programmed", "True", "Programmed"));
    assertEquals("HTTPRoute", http.getSupportedKinds().get(0).getKind());
    assertTrue(has(listenerStatus(g, "udp").getConditions(), "Accepted", "False", "UnsupportedProtocol"),
        "a protocol edgeport cannot serve is reported, not ignored");
    assertTrue(has(listenerStatus(g, "alt").getConditions(), "Accepted", "False", "PortUnavailable"));
    assertEquals(0, listenerStatus(g, "udp").getAttachedRoutes());

    RouteParentStatus rs = routeStatus("default", "api", p -> has(p.getConditions(), "Accepted", "True", "Accepted"));
    assertTrue(has(rs.getConditions(), "ResolvedRefs", "True", "ResolvedRefs"));
    assertEquals("edge", rs.getParentRef().getName());

    // the status view (the dashboard's source) names the source object
    assertEquals("httproute default/api", gateway.status().domains().stream()
        .filter(d -> d.host().equals("api.example.com")).findFirst().orElseThrow().origin());
  }

  @Test
  void listenerHostnamesIntersectWithRouteHostnames() throws Exception {
    gateway("default", "edge", listener("apps", "HTTP", 80, "*.apps.example.com"));
    route("default", "shop", List.of("shop.apps.example.com", "other.example.com"), "default/edge",
        to("api-service", prefix("/")));
    route("default", "all", List.of(), "default/edge", to("api-canary", prefix("/")));
    route("default", "none", List.of("api.example.com"), "default/edge", to("api-service", prefix("/")));
    startGateway();
    Await.until(gateway, serves("shop.apps.example.com"), WAIT);
    assertEquals(nodes.port(), ask("shop.apps.example.com", "/").getInteger("port"));
    assertEquals(404, request("other.example.com", "/").status(), "not within the listener's hostname");
    assertEquals(canary.port(), ask("x.y.apps.example.com", "/").getInteger("port"),
        "a route without hostnames takes the listener's wildcard, of any depth");
    assertEquals(404, request("apps.example.com", "/").status());
    RouteParentStatus none = routeStatus("default", "none",
        p -> has(p.getConditions(), "Accepted", "False", "NoMatchingListenerHostname"));
    assertTrue(condition(none.getConditions(), "Accepted").getMessage().contains("api.example.com"));
    Gateway g = gatewayStatus("default", "edge", x -> listenerStatus(x, "apps").getAttachedRoutes() == 2);
    assertEquals(2, listenerStatus(g, "apps").getAttachedRoutes(), "the route that matched no hostname is not counted");
  }

  @Test
  void sectionNamesPickListenersAndBadReferencesAreReported() throws Exception {
    gateway("default", "edge", listener("apex", "HTTP", 80, "a.example.com"),
        listener("www", "HTTP", 80, "www.example.com"));
    route("default", "www", List.of(), "default/edge/www", to("api-service", prefix("/")));
    route("default", "lost", List.of(), "default/edge/nope", to("api-service", prefix("/")));
    HTTPRouteRule notAService = new HTTPRouteRuleBuilder().withMatches(prefix("/")).addNewBackendRef()
        .withKind("ConfigMap").withGroup("").withName("settings").withPort(80).endBackendRef().build();
    route("default", "odd", List.of("a.example.com"), "default/edge/apex", notAService);
    startGateway();
    Await.until(gateway, serves("www.example.com"), WAIT);
    assertEquals(nodes.port(), ask("www.example.com", "/").getInteger("port"));
    routeStatus("default", "lost", p -> has(p.getConditions(), "Accepted", "False", "NoMatchingParent"));
    RouteParentStatus odd = routeStatus("default", "odd",
        p -> has(p.getConditions(), "ResolvedRefs", "False", "InvalidKind"));
    assertEquals("apex", odd.getParentRef().getSectionName());
    assertEquals(500, request("a.example.com", "/").status(), "a backendRef of another kind: its share answers 500");
    Gateway g = gatewayStatus("default", "edge", x -> listenerStatus(x, "www").getAttachedRoutes() == 1
        && listenerStatus(x, "apex").getAttachedRoutes() == 1);
    assertEquals(1, listenerStatus(g, "apex").getAttachedRoutes(), "only the route that names it");
  }

  @Test
  void pathHeaderAndMethodMatchesFollowTheSpecsPrecedence() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    HTTPRouteMatch canaryHeader = new HTTPRouteMatchBuilder().withNewPath().withType("PathPrefix").withValue("/")
        .endPath().addNewHeader().withName("X-Env").withValue("canary").endHeader().build();
    HTTPRouteMatch post = new HTTPRouteMatchBuilder().withNewPath().withType("PathPrefix").withValue("/")
        .endPath().withMethod("POST").build();
    HTTPRouteMatch exact = new HTTPRouteMatchBuilder().withNewPath().withType("Exact").withValue("/api/exact")
        .endPath().build();
    route("default", "a", List.of("api.example.com"), "default/edge", to("api-service", prefix("/")),
        to("api-canary", canaryHeader), to("api-canary", exact));
    route("default", "b", List.of("api.example.com"), "default/edge", to("api-service", post),
        to("api-canary", prefix("/api")));
    startGateway();
    Await.until(gateway, serves("api.example.com"), WAIT);
    assertEquals(nodes.port(), ask("api.example.com", "/x").getInteger("port"));
    assertEquals(canary.port(), ask("api.example.com", "/x", "X-Env: canary").getInteger("port"));
    assertEquals(canary.port(), ask("api.example.com", "/api/v1").getInteger("port"), "the longer prefix");
    assertEquals(canary.port(), ask("api.example.com", "/api/exact", "X-Env: no").getInteger("port"), "Exact first");
    try (RawHttp c = new RawHttp(gateway.port())) {
      RawHttp.Response r = c.send("POST /x HTTP/1.1\r\nHost: api.example.com\r\nX-Env: canary\r\nContent-Length: 0",
          null).read(false);
      assertEquals(nodes.port(), new JsonObject(r.text()).getInteger("port"), "a method match beats a header match");
    }
  }

  @Test
  void weightsSplitTrafficNinetyToTen() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "split", List.of("api.example.com"), "default/edge",
        rule(List.of(prefix("/")), List.of(), "api-service", 90, "api-canary", 10));
    startGateway();
    Await.until(gateway, serves("api.example.com"), WAIT);
    // The split is exact over every 10 requests a generation's route picks for (BackendSplit), so any 1,000 in a
    // row send exactly 100 to the canary. A new generation (a node's health settling, say) starts its own count:
    // 1,000 requests across two generations are sent again.
    long generation;
    Map<Integer, Integer> perBackend = new HashMap<>();
    List<Integer> received;
    int runs = 0;
    do {
      generation = gateway.generation().version();
      List<Integer> before = List.of(received(nodes), received(canary));
      perBackend.clear();
      try (RawHttp c = new RawHttp(gateway.port())) {
        for (int i = 0; i < 1000; i++) {
          RawHttp.Response r = c.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false);
          perBackend.merge(new JsonObject(r.text()).getInteger("port"), 1, Integer::sum);
        }
      }
      received = List.of(received(nodes) - before.get(0), received(canary) - before.get(1));
    } while (gateway.generation().version() != generation && ++runs < 3);
    assertEquals(generation, gateway.generation().version(), "each of three runs of 1,000 saw a new generation");
    assertEquals(Map.of(nodes.port(), 900, canary.port(), 100), perBackend, "exactly 90 % and 10 %");
    assertEquals(List.of(900, 100), received, "what the nodes received adds up to what the client was answered");
  }

  /** Requests all of {@code backend}'s nodes have received. */
  static int received(TestNodes backend) {
    return java.util.stream.IntStream.range(0, backend.addresses().size()).map(backend::requests).sum();
  }

  @Test
  void filtersEditHeadersRedirectAndRewrite() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    HTTPRouteFilter requestHeaders = new HTTPRouteFilterBuilder().withType("RequestHeaderModifier")
        .withNewRequestHeaderModifier().addNewSet().withName("X-Env").withValue("prod").endSet()
        .addNewAdd().withName("X-Added").withValue("1").endAdd().withRemove("X-Secret").endRequestHeaderModifier()
        .build();
    HTTPRouteFilter responseHeaders = new HTTPRouteFilterBuilder().withType("ResponseHeaderModifier")
        .withNewResponseHeaderModifier().addNewSet().withName("X-Served-By").withValue("edgeport").endSet()
        .endResponseHeaderModifier().build();
    HTTPRouteFilter redirect = new HTTPRouteFilterBuilder().withType("RequestRedirect").withNewRequestRedirect()
        .withScheme("https").withHostname("new.example.com").withStatusCode(301).withNewPath()
        .withType("ReplacePrefixMatch").withReplacePrefixMatch("/v2").endPath().endRequestRedirect().build();
    HTTPRouteFilter rewrite = new HTTPRouteFilterBuilder().withType("URLRewrite").withNewUrlRewrite()
        .withHostname("internal.example.com").withNewPath().withType("ReplacePrefixMatch")
        .withReplacePrefixMatch("/v1").endPath().endUrlRewrite().build();
    HTTPRouteFilter fullPath = new HTTPRouteFilterBuilder().withType("URLRewrite").withNewUrlRewrite()
        .withNewPath().withType("ReplaceFullPath").withReplaceFullPath("/status").endPath().endUrlRewrite().build();
    route("default", "filters", List.of("api.example.com"), "default/edge",
        rule(List.of(prefix("/headers")), List.of(requestHeaders, responseHeaders), "api-service", 1),
        rule(List.of(prefix("/old")), List.of(redirect)),
        rule(List.of(prefix("/api")), List.of(rewrite), "api-service", 1),
        rule(List.of(prefix("/health")), List.of(fullPath), "api-service", 1));
    startGateway();
    Await.until(gateway, serves("api.example.com"), WAIT);

    RawHttp.Response r = request("api.example.com", "/headers", "X-Env: dev", "X-Secret: s", "X-Added: 0");
    JsonObject echo = new JsonObject(r.text());
    assertEquals("prod", header(echo, "x-env"));
    assertNull(header(echo, "x-secret"));
    assertEquals(2, echo.getJsonArray("headers").stream().filter(h -> ((JsonArray) h).getString(0).equals("x-added"))
        .count(), "add appends");
    assertEquals("edgeport", r.header("x-served-by"));

    RawHttp.Response moved = request("api.example.com", "/old/page?q=1");
    assertEquals(301, moved.status());
    assertEquals("https://new.example.com/v2/page?q=1", moved.header("location"));

    JsonObject rewritten = ask("api.example.com", "/api/users?id=7");
    assertEquals("/v1/users?id=7", rewritten.getString("uri"));
    assertEquals("internal.example.com", header(rewritten, "host"));
    assertEquals("api.example.com", header(rewritten, "x-forwarded-host"), "the client's host is still told");
    assertEquals("/status", ask("api.example.com", "/health/deep?x").getString("uri").split("\\?")[0]);
  }

  @Test
  void crossNamespaceBackendsNeedAReferenceGrant() throws Exception {
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    service("shop", "cart", canary.port());
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "cart", List.of("cart.example.com"), "default/edge", to("shop/cart", prefix("/")));
    startGateway();
    RouteParentStatus denied = routeStatus("default", "cart",
        p -> has(p.getConditions(), "ResolvedRefs", "False", "RefNotPermitted"));
    assertTrue(has(denied.getConditions(), "Accepted", "True", "Accepted"));
    Await.until(gateway, g -> g.status() != null && g.status().domains().stream()
        .anyMatch(d -> d.host().equals("cart.example.com")), WAIT);
    assertEquals(500, request("cart.example.com", "/").status(), "a reference not permitted gets no traffic");

    ReferenceGrant grant = new ReferenceGrantBuilder().withNewMetadata().withName("routes-to-cart")
        .withNamespace("shop").endMetadata().withNewSpec().addNewFrom().withGroup(GROUP).withKind("HTTPRoute")
        .withNamespace("default").endFrom().addNewTo().withGroup("").withKind("Service").withName("cart").endTo()
        .endSpec().build();
    kube.resources(ReferenceGrant.class).inNamespace("shop").resource(grant).create();
    routeStatus("default", "cart", p -> has(p.getConditions(), "ResolvedRefs", "True", "ResolvedRefs"));
    Await.until(gateway, serves("cart.example.com"), WAIT);
    assertEquals(canary.port(), ask("cart.example.com", "/").getInteger("port"));

    kube.resources(ReferenceGrant.class).inNamespace("shop").withName("routes-to-cart").delete();
    routeStatus("default", "cart", p -> has(p.getConditions(), "ResolvedRefs", "False", "RefNotPermitted"));
    // from the test's thread: a condition of Await runs on the gateway's control context, where no request may wait
    Poll.until(() -> {
      try {
        return request("cart.example.com", "/").status() == 500;
      } catch (Exception e) {
        return false;
      }
    }, WAIT, "the grant's removal takes the route's traffic away");
  }

  @Test
  void allowedRoutesSelectNamespacesByLabel() throws Exception {
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a")
        .addToLabels("edge", "yes").endMetadata().build()).create();
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-b").endMetadata().build())
        .create();
    service("team-a", "app", nodes.port());
    service("team-b", "app", canary.port());
    kube.resources(Gateway.class).inNamespace("default").resource(new GatewayBuilder().withNewMetadata()
        .withName("edge").withNamespace("default").endMetadata().withNewSpec().withGatewayClassName("edgeport")
        .addNewListener().withName("http").withProtocol("HTTP").withPort(80).withNewAllowedRoutes().withNewNamespaces()
        .withFrom("Selector").withNewSelector().addToMatchLabels("edge", "yes").endSelector().endNamespaces()
        .endAllowedRoutes().endListener().endSpec().build()).create();
    route("team-a", "a", List.of("a.example.com"), "default/edge", to("app", prefix("/")));
    route("team-b", "b", List.of("b.example.com"), "default/edge", to("app", prefix("/")));
    startGateway();
    Await.until(gateway, serves("a.example.com"), WAIT);
    assertEquals(nodes.port(), ask("a.example.com", "/").getInteger("port"));
    routeStatus("team-b", "b", p -> has(p.getConditions(), "Accepted", "False", "NotAllowedByListeners"));
    assertEquals(404, request("b.example.com", "/").status());

    kube.namespaces().withName("team-b").edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels("edge", "yes")
        .endMetadata().build());
    Await.until(gateway, serves("b.example.com"), WAIT);
    assertEquals(canary.port(), ask("b.example.com", "/").getInteger("port"), "labelled: now allowed");
    routeStatus("team-b", "b", p -> has(p.getConditions(), "Accepted", "True", "Accepted"));
  }

  @Test
  void aServiceDeletedUnderARouteAnswers503AndIsReported() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "api", List.of("api.example.com"), "default/edge", to("api-service", prefix("/")));
    startGateway();
    Await.until(gateway, serves("api.example.com"), WAIT);
    kube.services().inNamespace("default").withName("api-service").delete();
    Await.until(gateway, g -> !g.status().unavailable().isEmpty(), WAIT);
    assertEquals(503, request("api.example.com", "/").status());
    RouteParentStatus rs = routeStatus("default", "api",
        p -> has(p.getConditions(), "ResolvedRefs", "False", "BackendNotFound"));
    assertTrue(condition(rs.getConditions(), "ResolvedRefs").getMessage().contains("default/api-service"));
  }

  @Test
  void aConfigFileHostWinsOverARouteAndTheConflictIsShown() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "api", List.of("api.example.com"), "default/edge", to("api-canary", prefix("/")));
    route("default", "www", List.of("www.example.com"), "default/edge",
        rule(List.of(prefix("/")), List.of(), "api-canary", 90, "api-service", 10));
    int admin = Configs.freePort();
    startGateway("""
        admin: "127.0.0.1:%d"
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(admin, nodes.port()), new AdminServer(vertx, "test"));
    Await.until(gateway, serves("www.example.com"), WAIT);
    assertEquals(nodes.port(), ask("api.example.com", "/").getInteger("port"), "the config file's host wins");
    assertEquals(canary.port(), ask("www.example.com", "/").getInteger("port"));
    assertEquals(1, gateway.status().conflicts().size(), gateway.status().conflicts().toString());
    String conflict = gateway.status().conflicts().get(0);
    assertTrue(conflict.startsWith("api.example.com: httproute default/api is not served; the config file ("),
        conflict);

    // the dashboard shows the route with its source object, its weights and the conflict
    String dom = Browser.renderedDom(dir, admin);
    int row = dom.indexOf("data-domain=\"www.example.com\"");
    assertTrue(row > 0 && dom.indexOf("httproute default/www", row) > 0, "the route's source object");
    assertTrue(dom.indexOf("default/api-canary:80 · weight 90", row) > 0, "its weights");
    assertTrue(dom.contains("host conflict: api.example.com: httproute default/api is not served"), "the conflict");
  }

  /** Until the generation serves {@code count} certificates; a failure says which it serves. */
  void awaitCertificates(int count) throws Exception {
    try {
      Await.until(gateway, g -> g.generation().certificates().all().size() == count, WAIT);
    } catch (AssertionError e) {
      throw new AssertionError("the generation serves " + gateway.generation().certificates().all().stream()
          .map(c -> c.config().origin()).toList() + "; " + e.getMessage(), e);
    }
  }

  @Test
  void anHttpsListenerServesItsCertificateFromASecretThatAReferenceGrantAllows() throws Exception {
    kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("certs").endMetadata().build()).create();
    TestCertificates ca = TestCertificates.create(dir);
    TestCertificates.Leaf shop = ca.issue(TestCertificates.KeyFormat.PKCS1_RSA, "shop.example.com");
    tlsSecret("certs", "shop-tls", shop);
    kube.resources(Gateway.class).inNamespace("default").resource(new GatewayBuilder().withNewMetadata()
        .withName("edge").withNamespace("default").endMetadata().withNewSpec().withGatewayClassName("edgeport")
        .addNewListener().withName("https").withProtocol("HTTPS").withPort(443).withHostname("shop.example.com")
        .withNewTls().withMode("Terminate").addNewCertificateRef().withName("shop-tls").withNamespace("certs")
        .endCertificateRef().endTls().endListener().endSpec().build()).create();
    route("default", "shop", List.of(), "default/edge", to("api-service", prefix("/")));
    int httpsPort = Configs.freePort();
    startOnApi(httpsPort, "gatewayClass: edgeport", "");
    Gateway denied = gatewayStatus("default", "edge", g -> has(listenerStatus(g, "https").getConditions(),
        "ResolvedRefs", "False", "RefNotPermitted"));
    assertTrue(has(listenerStatus(denied, "https").getConditions(), "Programmed", "False", "Invalid"),
        "without its certificate the listener cannot serve");
    assertEquals(0, gateway.generation().certificates().all().size(), "no certificate without the grant");

    kube.resources(ReferenceGrant.class).inNamespace("certs").resource(new ReferenceGrantBuilder().withNewMetadata()
        .withName("gateways-to-certs").withNamespace("certs").endMetadata().withNewSpec().addNewFrom().withGroup(GROUP)
        .withKind("Gateway").withNamespace("default").endFrom().addNewTo().withGroup("").withKind("Secret").endTo()
        .endSpec().build()).create();
    gatewayStatus("default", "edge", g -> has(listenerStatus(g, "https").getConditions(),
        "ResolvedRefs", "True", "ResolvedRefs") && listenerStatus(g, "https").getAttachedRoutes() == 1);
    awaitCertificates(1);
    assertTrue(TlsProbe.handshake(httpsPort, "shop.example.com", null).names().contains("shop.example.com"));
    Curl.Result r = Curl.run("--cacert", ca.caCert().toString(), "--resolve", "shop.example.com:" + httpsPort
        + ":127.0.0.1", "https://shop.example.com:" + httpsPort + "/cart");
    assertEquals("200 2", r.writeOut(), r.stderr());
    assertEquals(404, request("shop.example.com", "/cart").status(),
        "attached to the HTTPS listener only: not served over plain HTTP");

    // a listener without a hostname serves its certificate for the names the certificate holds
    TestCertificates.Leaf blog = ca.issue(TestCertificates.KeyFormat.PKCS1_RSA, "blog.example.com");
    tlsSecret("default", "blog-tls", blog);
    retryOnConflict(() -> kube.resources(Gateway.class).inNamespace("default").withName("edge").edit(g -> {
      g.getSpec().getListeners().add(new ListenerBuilder().withName("any").withProtocol("HTTPS").withPort(443)
          .withNewTls().addNewCertificateRef().withName("blog-tls").endCertificateRef().endTls().build());
      return g;
    }));
    route("default", "blog", List.of("blog.example.com"), "default/edge/any", to("api-canary", prefix("/")));
    awaitCertificates(2);
    Curl.Result b = Curl.run("--cacert", ca.caCert().toString(), "--resolve", "blog.example.com:" + httpsPort
        + ":127.0.0.1", "https://blog.example.com:" + httpsPort + "/");
    assertEquals("200 2", b.writeOut(), b.stderr());
    assertTrue(TlsProbe.handshake(httpsPort, "blog.example.com", null).names().contains("blog.example.com"));
  }

  @Test
  void routesOfAnotherClassAndUnsupportedMatchesAreNotServed() throws Exception {
    kube.resources(GatewayClass.class).resource(new GatewayClassBuilder().withNewMetadata().withName("other")
        .endMetadata().withNewSpec().withControllerName("example.com/other").endSpec().build()).create();
    kube.resources(Gateway.class).inNamespace("default").resource(new GatewayBuilder().withNewMetadata()
        .withName("theirs").withNamespace("default").endMetadata().withNewSpec().withGatewayClassName("other")
        .addNewListener().withName("http").withProtocol("HTTP").withPort(80).endListener().endSpec().build()).create();
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "theirs", List.of("theirs.example.com"), "default/theirs", to("api-service", prefix("/")));
    HTTPRouteMatch regex = new HTTPRouteMatchBuilder().withNewPath().withType("RegularExpression").withValue("/x.*")
        .endPath().build();
    route("default", "regex", List.of("regex.example.com"), "default/edge", to("api-service", regex));
    route("default", "ok", List.of("ok.example.com"), "default/edge", to("api-service", prefix("/")));
    startGateway();
    Await.until(gateway, serves("ok.example.com"), WAIT);
    routeStatus("default", "regex", p -> has(p.getConditions(), "Accepted", "False", "UnsupportedValue"));
    assertEquals(404, request("regex.example.com", "/x").status());
    assertEquals(404, request("theirs.example.com", "/").status());
    Set<String> hosts = Set.copyOf(gateway.status().domains().stream().map(d -> d.host()).toList());
    assertEquals(Set.of("ok.example.com"), hosts);
    HTTPRoute theirs = kube.resources(HTTPRoute.class).inNamespace("default").withName("theirs").get();
    assertTrue(theirs.getStatus() == null || theirs.getStatus().getParents().isEmpty(), "another class's route is untouched");
    GatewayClass other = kube.resources(GatewayClass.class).withName("other").get();
    assertNull(other.getStatus() == null ? null : condition(other.getStatus().getConditions(), "Accepted"));
  }

  /**
   * A Gateway that opted in ({@code edgeport.io/acme: "true"}) gets its HTTPS listener's certificate from a real ACME
   * server (pebble, validating HTTP-01 at edgeport's plain listener) when the listener names no Secret: it is served
   * and verifies against pebble's root, and the listener resolves.
   */
  @Test
  void anHttpsListenerOfAGatewayThatOptedInGetsItsCertificateFromAcme() throws Exception {
    int httpPort = Configs.freePort();
    int httpsPort = Configs.freePort();
    try (io.edgeport.support.Pebble pebble = io.edgeport.support.Pebble.start(io.edgeport.support.Pebble.options()
        .httpPort(httpPort).tlsPort(httpsPort), dir)) {
      java.nio.file.Path root = dir.resolve("pebble-root.pem");
      java.nio.file.Files.writeString(root, pebble.rootPem());
      kube.resources(Gateway.class).inNamespace("default").resource(new GatewayBuilder().withNewMetadata()
          .withName("edge").withNamespace("default").addToAnnotations("edgeport.io/acme", "true").endMetadata()
          .withNewSpec().withGatewayClassName("edgeport").addNewListener().withName("https").withProtocol("HTTPS")
          .withPort(443).withHostname("shop.test").withNewTls().withMode("Terminate").endTls().endListener()
          .endSpec().build()).create();
      route("default", "shop", List.of(), "default/edge", to("api-service", prefix("/")));
      startGateway(apiConfig(httpPort, httpsPort, "gatewayClass: edgeport", pebble.acmeSection("challenges: [http-01]")),
          2);
      Poll.until(() -> {
        try {
          return Curl.run("--cacert", root.toString(), "--resolve", "shop.test:" + httpsPort + ":127.0.0.1",
              "https://shop.test:" + httpsPort + "/cart").writeOut().equals("200 2");
        } catch (Exception e) {
          return false;
        }
      }, 60, "shop.test served with pebble's certificate; pebble: " + pebble.log());
      assertEquals(1, pebble.issuedCount(), pebble.log());
      gatewayStatus("default", "edge", g -> has(listenerStatus(g, "https").getConditions(), "ResolvedRefs", "True",
          "ResolvedRefs"));
      assertEquals("kubernetes.io/tls", kube.secrets().inNamespace("default").withName("edgeport-acme-shop.test")
          .get().getType(), "kept in edgeport's Secret (in the Lease's namespace: the kubeconfig's, default)");
    }
  }
}
