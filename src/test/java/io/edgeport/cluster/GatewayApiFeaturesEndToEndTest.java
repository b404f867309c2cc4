package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Await;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Gateway API's extended HTTP features end to end, on the mock API with real watches and nodes on 127.0.0.2-4:
 * timeouts, retries, mirrors, CORS, session persistence, backendRef filters, appProtocol, and what is reported.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayApiFeaturesEndToEndTest extends GatewayApiTestBase {
  private static final String HOST = "api.example.com";

  /** A Gateway with one HTTP listener, a route for {@link #HOST} with {@code rules}, and edgeport serving it. */
  private void serve(String moreConfig, HTTPRouteRule... rules) throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "api", List.of(HOST), "default/edge", rules);
    startGateway(moreConfig);
    Await.until(gateway, serves(HOST), WAIT);
  }

  private static HTTPRouteRuleBuilder ruleTo(String service, String path) {
    return new HTTPRouteRuleBuilder().withMatches(prefix(path)).withBackendRefs(new HTTPBackendRefBuilder()
        .withName(service).withPort(80).build());
  }

  /** A rule for requests with {@code x-case: NAME}, to api-service. */
  private static HTTPRouteRuleBuilder byCase(String name) {
    return new HTTPRouteRuleBuilder().withMatches(new io.fabric8.kubernetes.api.model.gatewayapi.v1
            .HTTPRouteMatchBuilder().addNewHeader().withName("x-case").withValue(name).endHeader().build())
        .withBackendRefs(new HTTPBackendRefBuilder().withName("api-service").withPort(80).build());
  }

  private RawHttp.Response send(String method, String target, String body, String... headers) throws Exception {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + HOST);
    for (String h : headers) {
      head.append("\r\n").append(h);
    }
    if (body != null) {
      head.append("\r\nContent-Length: ").append(body.length());
    }
    try (RawHttp c = new RawHttp(gateway.port())) {
      return c.send(head.toString(), body == null ? null : body.getBytes()).read(false);
    }
  }

  @Test
  void aRequestTimeoutAnswers504AndABackendTimeoutIsRetriedWithinIt() throws Exception {
    serve("", byCase("whole").withNewTimeouts().withRequest("400ms").endTimeouts().build(),
        byCase("try").withNewTimeouts().withRequest("10s").withBackendRequest("300ms").endTimeouts()
            .withNewRetry().withAttempts(1).endRetry().build());
    long start = System.nanoTime();
    RawHttp.Response whole = send("GET", "/slow?ms=8000", null, "x-case: whole");
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(504, whole.status(), whole.text());
    assertTrue(tookMillis < 6_000, "cut at the request timeout, not after the node's 8 s: " + tookMillis + " ms");

    int before = nodes.requests(0) + nodes.requests(1) + nodes.requests(2);
    start = System.nanoTime();
    RawHttp.Response tries = send("GET", "/slow?ms=8000", null, "x-case: try");
    tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(504, tries.status(), tries.text());
    assertTrue(tookMillis < 6_000, "two tries of 300 ms, not the node's 8 s: " + tookMillis + " ms");
    Poll.until(() -> nodes.requests(0) + nodes.requests(1) + nodes.requests(2) - before >= 2, WAIT, "two tries");
    assertEquals(200, send("GET", "/fast", null, "x-case: try").status(), "a try within its timeout is answered");
  }

  @Test
  void aSlowUploadPastTheBackendTimeoutIsNeverHeldAgainstTheNode() throws Exception {
    serve("", byCase("upload").withNewTimeouts().withBackendRequest("300ms").endTimeouts().build());
    try (RawHttp c = new RawHttp(gateway.port())) {
      c.send("POST /upload HTTP/1.1\r\nHost: " + HOST + "\r\nx-case: upload\r\nContent-Length: 2000", null);
      for (int i = 0; i < 20; i++) { // 100 bytes every 50 ms: 2 KB/s, above limits.minBodyRate, below the timeout
        c.write("u".repeat(100).getBytes());
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the client's pace
      }
      assertEquals(504, c.read(false).status(), "the try ran out while the client was still sending");
    } catch (java.io.IOException closed) {
      // edgeport answered and closed while the body was still coming: as good
    }
    assertTrue(gateway.health().statuses().values().stream().allMatch(st -> st == io.edgeport.health.NodeHealth
        .Status.UP), "a client's slow body is never a node's failure: " + gateway.health().statuses());
  }

  @Test
  void retryCodesSendTheRequestToAnotherNode() throws Exception {
    String failing = nodes.addresses().get(0);
    serve("", byCase("retried").withNewRetry().withAttempts(2).withCodes(500).withBackoff("10ms").endRetry().build(),
        ruleTo("api-service", "/").build());
    for (int i = 0; i < 9; i++) {
      RawHttp.Response r = send("GET", "/status?code=500&on=" + failing, null, "x-case: retried");
      assertEquals(200, r.status(), "the node's 500 is dropped and another node answers: " + r.text());
      assertNotEquals(failing, new JsonObject(r.text()).getString("node"));
    }
    Set<Integer> statuses = new HashSet<>();
    for (int i = 0; i < 9; i++) {
      statuses.add(send("GET", "/status?code=500&on=" + failing, null).status());
    }
    assertTrue(statuses.contains(500), "without retry the node's 500 reaches the client: " + statuses);
  }

  @Test
  void aMirrorGetsItsShareOfCopiesWithTheirBodiesAndNeverSlowsThePrimary() throws Exception {
    HTTPRouteFilter half = new HTTPRouteFilterBuilder().withType("RequestMirror").withNewRequestMirror()
        .withNewBackendRef().withName("api-canary").withPort(80).endBackendRef().withPercent(50).endRequestMirror()
        .build();
    HTTPRouteFilter all = new HTTPRouteFilterBuilder().withType("RequestMirror").withNewRequestMirror()
        .withNewBackendRef().withName("api-canary").withPort(80).endBackendRef().endRequestMirror().build();
    serve("limits:\n  mirrorBodyBytes: 2KiB", ruleTo("api-service", "/half").withFilters(half).build(),
        ruleTo("api-service", "/all").withFilters(all).build());
    for (int i = 0; i < 10; i++) {
      assertEquals(200, send("GET", "/half/x", null).status());
    }
    Poll.until(() -> canaryRequests() == 5, WAIT, "5 copies of 10");
    String body = "m".repeat(1500);
    JsonObject primary = new JsonObject(send("POST", "/all/upload", body).text());
    Poll.until(() -> canaryRequests() == 6, WAIT, "the POST copied");
    JsonObject copy = canary.lastEcho();
    assertEquals("/all/upload", copy.getString("uri"));
    assertEquals(primary.getString("bodySha256"), copy.getString("bodySha256"), "the copy has the whole body");
    assertEquals(200, send("POST", "/all/upload", "b".repeat(3000)).status(), "a body over the limit is not copied");
    assertEquals(200, send("GET", "/all/after", null).status());
    Poll.until(() -> canary.lastEcho().getString("uri").equals("/all/after"), WAIT, "the next copy");
    assertEquals(7, canaryRequests(), "the long body was not mirrored, the next request was");

    long failed = gateway.traffic().totals().mirrors().get("failed");
    canary.close(); // a mirror that refuses every connection
    for (int i = 0; i < 5; i++) {
      assertEquals(200, send("GET", "/all/down", null).status(), "a mirror that is down changes nothing");
    }
    Poll.until(() -> gateway.traffic().totals().mirrors().get("failed") >= failed + 1, WAIT, "a copy failed");
    // (after a refused connect the mirror pauses, so not every one of them is copied: RuleFeaturesTest shows how long)
    canary = io.edgeport.support.TestNodes.start(vertx, 3);
    kube.services().inNamespace("default").withName("api-canary").edit(svc -> {
      svc.getSpec().getPorts().get(0).setNodePort(canary.port());
      return svc;
    });
    Poll.until(() -> {
      sendQuietly("/all/again");
      return canaryRequests() > 0;
    }, WAIT, "the mirror back on its new nodePort");
    canary.delayAll(30_000); // a mirror that takes 30 s to answer anything
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      assertEquals(200, send("GET", "/all/fast", null).status());
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMillis < 5_000, "the primary does not wait for a slow mirror: " + tookMillis + " ms");
    }
  }

  private void sendQuietly(String target) {
    try {
      send("GET", target, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private int canaryRequests() {
    return canary.requests(0) + canary.requests(1) + canary.requests(2);
  }

  @Test
  void corsPreflightsAreAnsweredAtTheEdgeAndAnswersCarryTheHeaders() throws Exception {
    HTTPRouteFilter cors = new HTTPRouteFilterBuilder().withType("CORS").withNewCors()
        .withAllowOrigins("https://app.example.com", "https://*.example.org").withAllowMethods("GET", "PUT")
        .withAllowHeaders("x-token").withExposeHeaders("x-node").withAllowCredentials(true).withMaxAge(600)
        .endCors().build();
    serve("", ruleTo("api-service", "/").withFilters(cors).build());
    int before = nodes.requests(0) + nodes.requests(1) + nodes.requests(2);
    RawHttp.Response preflight = send("OPTIONS", "/items", null, "Origin: https://app.example.com",
        "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: x-token");
    assertEquals(200, preflight.status());
    assertEquals("https://app.example.com", preflight.header("access-control-allow-origin"));
    assertEquals("true", preflight.header("access-control-allow-credentials"));
    assertEquals("GET, PUT", preflight.header("access-control-allow-methods"));
    assertEquals("x-token", preflight.header("access-control-allow-headers"));
    assertEquals("600", preflight.header("access-control-max-age"));
    RawHttp.Response refused = send("OPTIONS", "/items", null, "Origin: https://evil.example.net",
        "Access-Control-Request-Method: PUT");
    assertEquals(200, refused.status());
    assertNull(refused.header("access-control-allow-origin"), "an origin not allowed gets no permission");
    assertEquals(before, nodes.requests(0) + nodes.requests(1) + nodes.requests(2), "preflights never reach a node");

    assertEquals("Origin", preflight.header("vary"), "shared caches keep answers apart by Origin");
    RawHttp.Response allowed = send("GET", "/items", null, "Origin: https://a.b.example.org");
    assertEquals(200, allowed.status());
    assertEquals("https://a.b.example.org", allowed.header("access-control-allow-origin"));
    assertEquals("Origin", allowed.header("vary"));
    assertEquals("Origin", send("GET", "/items", null).header("vary"), "an answer without an Origin varies too: a"
        + " cache must not serve it to a browser's cross-origin request");
    assertEquals("x-node", allowed.header("access-control-expose-headers"));
    RawHttp.Response other = send("GET", "/items", null, "Origin: https://evil.example.net");
    assertEquals(200, other.status());
    assertNull(other.header("access-control-allow-origin"));
  }

  @Test
  void aCookieSessionStaysOnItsNodeUntilTheNodeGoes() throws Exception {
    serve("", ruleTo("api-service", "/").withNewSessionPersistence().withType("Cookie").withSessionName("sid")
        .endSessionPersistence().build());
    RawHttp.Response first = send("GET", "/cart", null);
    String setCookie = first.header("set-cookie");
    assertNotNull(setCookie, "a new session gets its cookie");
    assertTrue(setCookie.startsWith("sid=") && setCookie.contains("HttpOnly"), setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String node = new JsonObject(first.text()).getString("node");
    for (int i = 0; i < 10; i++) {
      RawHttp.Response r = send("GET", "/cart", null, "Cookie: theme=dark; " + cookie);
      assertEquals(node, new JsonObject(r.text()).getString("node"), "the session stays on its node");
      assertNull(r.header("set-cookie"), "a good cookie is not handed out again");
    }
    Set<String> spread = new HashSet<>();
    for (int i = 0; i < 9; i++) {
      spread.add(new JsonObject(send("GET", "/cart", null).text()).getString("node"));
    }
    assertTrue(spread.size() > 1, "clients without a session are balanced: " + spread);

    String worker = "worker-" + (nodes.addresses().indexOf(node) + 1);
    kube.nodes().withName(worker).edit(n -> { // excluded as the service controller excludes: it takes no traffic
      n.getMetadata().setLabels(Map.of("node.kubernetes.io/exclude-from-external-load-balancers", "true"));
      return n;
    });
    Poll.until(() -> !node.equals(nodeOf("/cart", "Cookie: " + cookie)), WAIT, "the session leaving its node");
    RawHttp.Response moved = send("GET", "/cart", null, "Cookie: " + cookie);
    assertNotNull(moved.header("set-cookie"), "a session whose node went gets a new one");
  }

  private String nodeOf(String target, String header) {
    try {
      return new JsonObject(send("GET", target, null, header).text()).getString("node");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aHeaderSessionIsHandedOutAndFollowed() throws Exception {
    serve("", ruleTo("api-service", "/").withNewSessionPersistence().withType("Header")
        .withSessionName("x-session").endSessionPersistence().build());
    RawHttp.Response first = send("GET", "/", null);
    String token = first.header("x-session");
    assertNotNull(token);
    String node = new JsonObject(first.text()).getString("node");
    for (int i = 0; i < 6; i++) {
      assertEquals(node, new JsonObject(send("GET", "/", null, "x-session: " + token).text()).getString("node"));
    }
  }

  @Test
  void aBackendLbPolicyGivesTheRulesOfItsServiceSessions() throws Exception {
    GenericKubernetesResource policy = new GenericKubernetesResource();
    policy.setApiVersion("gateway.networking.k8s.io/v1alpha2");
    policy.setKind("BackendLBPolicy");
    policy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("sticky")
        .withNamespace("default").build());
    policy.setAdditionalProperties(Map.of("spec", Map.of(
        "targetRefs", List.of(Map.of("group", "", "kind", "Service", "name", "api-service")),
        "sessionPersistence", Map.of("type", "Cookie", "sessionName", "lb"))));
    kube.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion("v1alpha2")
        .withKind("BackendLBPolicy").withPlural("backendlbpolicies").withNamespaced(true).build())
        .inNamespace("default").resource(policy).create();
    serve("", ruleTo("api-service", "/").build());
    RawHttp.Response first = send("GET", "/", null);
    String setCookie = first.header("set-cookie");
    assertNotNull(setCookie, "the Service's policy gives the rule its sessions");
    assertTrue(setCookie.startsWith("lb="), setCookie);
    String node = new JsonObject(first.text()).getString("node");
    for (int i = 0; i < 5; i++) {
      assertEquals(node, nodeOf("/", "Cookie: " + setCookie.substring(0, setCookie.indexOf(';'))));
    }
  }

  @Test
  void aNamedRuleIsNamedInItsRoutesStatus() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "api", List.of(HOST), "default/edge", ruleTo("api-service", "/").withName("cart")
        .withFilters(new HTTPRouteFilterBuilder().withType("ExtensionRef").withNewExtensionRef().withGroup("example.com")
            .withKind("Magic").withName("m").endExtensionRef().build()).build());
    startGateway();
    var status = routeStatus("default", "api", p -> has(p.getConditions(), "Accepted", "False", "UnsupportedValue"));
    String message = condition(status.getConditions(), "Accepted").getMessage();
    assertTrue(message.startsWith("rule 'cart': "), message);
  }

  @Test
  void aBackendRefsOwnFiltersEditOnlyItsRequests() throws Exception {
    HTTPRouteRule rule = new HTTPRouteRuleBuilder().withMatches(prefix("/"))
        .addToBackendRefs(new HTTPBackendRefBuilder().withName("api-service").withPort(80).withWeight(1)
            .withFilters(new HTTPRouteFilterBuilder().withType("RequestHeaderModifier").withNewRequestHeaderModifier()
                .addNewSet().withName("x-backend").withValue("main").endSet().endRequestHeaderModifier().build())
            .build())
        .addToBackendRefs(new HTTPBackendRefBuilder().withName("api-canary").withPort(80).withWeight(1)
            .withFilters(new HTTPRouteFilterBuilder().withType("ResponseHeaderModifier")
                .withNewResponseHeaderModifier().addNewSet().withName("x-from").withValue("canary").endSet()
                .endResponseHeaderModifier().build())
            .build())
        .build();
    serve("", rule);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      RawHttp.Response r = send("GET", "/", null);
      JsonObject echo = new JsonObject(r.text());
      boolean main = echo.getInteger("port") == nodes.port();
      assertEquals(main ? "main" : null, header(echo, "x-backend"));
      assertEquals(main ? null : "canary", r.header("x-from"));
      seen.add(main ? "main" : "canary");
    }
    assertEquals(Set.of("main", "canary"), seen);
  }

  @Test
  void appProtocolH2cIsSpokenToTheNodesAndWssIsRefused() throws Exception {
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName("api-h2c").withNamespace("default")
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withName("http").withPort(80)
        .withNodePort(nodes.port()).withAppProtocol("kubernetes.io/h2c").endPort().endSpec().build()).create();
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName("api-wss").withNamespace("default")
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withName("http").withPort(80)
        .withNodePort(canary.port()).withAppProtocol("kubernetes.io/wss").endPort().endSpec().build()).create();
    kube.network().v1().ingresses().resource(new IngressBuilder().withNewMetadata().withName("web")
        .withNamespace("default").endMetadata().withNewSpec().withIngressClassName("edgeport").addNewRule()
        .withHost("ingress.example.com").withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
        .withNewBackend().withNewService().withName("api-h2c").withNewPort().withNumber(80).endPort().endService()
        .endBackend().endPath().endHttp().endRule().endSpec().build()).create();
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    route("default", "api", List.of(HOST), "default/edge", to("api-h2c", prefix("/h2c")),
        to("api-wss", prefix("/wss")));
    startOnApi("gatewayClass: edgeport\ningressClass: edgeport\npublishAddress: 203.0.113.10", "");
    Await.until(gateway, g -> g.status() != null && g.status().domains().stream().map(d -> d.host()).toList()
        .containsAll(List.of(HOST, "ingress.example.com")), WAIT); // api-wss is unavailable: serves() would wait
    assertEquals("HTTP_2", ask(HOST, "/h2c/x").getString("version"), "an HTTPRoute backend");
    assertEquals("HTTP_2", ask("ingress.example.com", "/y").getString("version"), "an Ingress backend");
    assertEquals(500, request(HOST, "/wss/z").status(), "TLS to the nodes is not spoken: an invalid backend's 500");
    routeStatus("default", "api", p -> has(p.getConditions(), "ResolvedRefs", "False", "UnsupportedProtocol"));
  }

  @Test
  void theGatewayClassListsItsFeaturesAndUnknownFieldsAreReported() throws Exception {
    plainH2c = true; // GRPCRoute is claimed only where the HTTP listener can take it
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    GenericKubernetesResource route = new GenericKubernetesResource();
    route.setApiVersion("gateway.networking.k8s.io/v1");
    route.setKind("HTTPRoute");
    route.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("future")
        .withNamespace("default").build());
    route.setAdditionalProperties(Map.of("spec", Map.of("hostnames", List.of("future.example.com"),
        "parentRefs", List.of(Map.of("name", "edge")),
        "rules", List.of(Map.of("frobnicate", true, "backendRefs", List.of(Map.of("name", "api-service", "port", 80)))))));
    kube.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion("v1")
        .withKind("HTTPRoute").withPlural("httproutes").withNamespaced(true).build()).inNamespace("default")
        .resource(route).create();
    startGateway();
    GatewayClass served = kube.resources(GatewayClass.class).withName("edgeport").waitUntilCondition(c ->
        c != null && c.getStatus() != null && c.getStatus().getSupportedFeatures() != null
            && !c.getStatus().getSupportedFeatures().isEmpty(), WAIT, TimeUnit.SECONDS);
    List<String> features = served.getStatus().getSupportedFeatures().stream().map(SupportedFeature::getName).toList();
    assertTrue(features.containsAll(List.of("GRPCRoute", "HTTPRouteCORS", "HTTPRouteRequestMirror",
        "HTTPRouteRequestTimeout", "HTTPRouteBackendTimeout", "HTTPRouteBackendProtocolH2C")),
        features.toString());
    assertEquals(features.stream().sorted().toList(), features, "sorted, as conformance reports list them");
    var status = routeStatus("default", "future", p -> has(p.getConditions(), "Accepted", "False", "UnsupportedValue"));
    assertTrue(condition(status.getConditions(), "Accepted").getMessage().contains("frobnicate"),
        condition(status.getConditions(), "Accepted").getMessage());
    assertFalse(gateway.status().domains().stream().anyMatch(d -> d.host().equals("future.example.com")),
        "a route with a field edgeport does not know is not served half");
  }
}
