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
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder;
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
 * What the Gateway API's end-to-end tests share: a GatewayClass of edgeport's in the CRUD mock API server with real
 * watches, two NodePort Services (api-service, api-canary) on nodes 127.0.0.2-4, and ways to create Gateways and
 * HTTPRoutes, send requests through edgeport and wait for the status it writes back.
 */
abstract class GatewayApiTestBase extends MockApiTest {
  static final long WAIT = 15;
  static final String GROUP = "gateway.networking.k8s.io";
  static final String CONTROLLER = "edgeport.io/gateway-controller";

  /** A second NodePort service's pods: the same node addresses, another nodePort. */
  TestNodes canary;

  @BeforeEach
  void startCanaryAndCluster() throws Exception {
    canary = TestNodes.start(vertx, 3);
    createNodes(3);
    service("default", "api-service", nodes.port());
    service("default", "api-canary", canary.port());
    kube.resources(GatewayClass.class).resource(new GatewayClassBuilder().withNewMetadata().withName("edgeport")
        .endMetadata().withNewSpec().withControllerName(CONTROLLER).endSpec().build()).create();
  }

  @AfterEach
  void stopCanary() throws Exception {
    canary.close();
  }

  void service(String namespace, String name, int nodePort) {
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withName("http").withPort(80)
        .withNodePort(nodePort).endPort().endSpec().build()).create();
  }

  void startGateway() throws Exception {
    startGateway("");
  }

  /** @param more more of the config (domains of the file) */
  void startGateway(String more, io.edgeport.Edgeport.Extension... extensions) throws Exception {
    startOnApi("gatewayClass: edgeport\npublishAddress: 203.0.113.10", more, extensions);
  }

  static Listener listener(String name, String protocol, int port, String hostname) {
    return new ListenerBuilder().withName(name).withProtocol(protocol).withPort(port).withHostname(hostname).build();
  }

  Gateway gateway(String namespace, String name, Listener... listeners) {
    return kube.resources(Gateway.class).inNamespace(namespace).resource(new GatewayBuilder().withNewMetadata()
        .withName(name).withNamespace(namespace).endMetadata().withNewSpec().withGatewayClassName("edgeport")
        .withListeners(listeners).endSpec().build()).create();
  }

  static HTTPRouteMatch prefix(String path) {
    return new HTTPRouteMatchBuilder().withNewPath().withType("PathPrefix").withValue(path).endPath().build();
  }

  static HTTPRouteRule rule(List<HTTPRouteMatch> matches, List<HTTPRouteFilter> filters, Object... backends) {
    HTTPRouteRuleBuilder b = new HTTPRouteRuleBuilder().withMatches(matches).withFilters(filters);
    for (int i = 0; i < backends.length; i += 2) {
      String[] ref = ((String) backends[i]).split("/");
      b.addToBackendRefs(new HTTPBackendRefBuilder().withNamespace(ref.length == 2 ? ref[0] : null)
          .withName(ref[ref.length - 1]).withPort(80).withWeight((Integer) backends[i + 1]).build());
    }
    return b.build();
  }

  static HTTPRouteRule to(String service, HTTPRouteMatch... matches) {
    return rule(List.of(matches), List.of(), service, 1);
  }

  /** An HTTPRoute; parent "ns/name" or "ns/name/section". */
  HTTPRoute route(String namespace, String name, List<String> hostnames, String parent, HTTPRouteRule... rules) {
    String[] p = parent.split("/");
    return kube.resources(HTTPRoute.class).inNamespace(namespace).resource(new HTTPRouteBuilder().withNewMetadata()
        .withName(name).withNamespace(namespace).endMetadata().withNewSpec().withHostnames(hostnames)
        .withParentRefs(new ParentReferenceBuilder().withNamespace(p[0]).withName(p[1])
            .withSectionName(p.length > 2 ? p[2] : null).build())
        .withRules(rules).endSpec().build()).create();
  }

  static Condition condition(List<Condition> conditions, String type) {
    return conditions == null ? null : conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
  }

  static boolean has(List<Condition> conditions, String type, String status, String reason) {
    Condition c = condition(conditions, type);
    return c != null && c.getStatus().equals(status) && c.getReason().equals(reason) && c.getLastTransitionTime() != null;
  }

  /** Waits for edgeport's parent status of a route to satisfy {@code test}, and returns it. */
  RouteParentStatus routeStatus(String namespace, String name, Predicate<RouteParentStatus> test) {
    HTTPRoute r = kube.resources(HTTPRoute.class).inNamespace(namespace).withName(name).waitUntilCondition(x ->
        x != null && x.getStatus() != null && x.getStatus().getParents().stream()
            .anyMatch(p -> CONTROLLER.equals(p.getControllerName()) && test.test(p)), WAIT, TimeUnit.SECONDS);
    return r.getStatus().getParents().stream().filter(p -> CONTROLLER.equals(p.getControllerName())).findFirst()
        .orElseThrow();
  }

  Gateway gatewayStatus(String namespace, String name, Predicate<Gateway> test) {
    return kube.resources(Gateway.class).inNamespace(namespace).withName(name).waitUntilCondition(g ->
        g != null && g.getStatus() != null && test.test(g), WAIT, TimeUnit.SECONDS);
  }

  static ListenerStatus listenerStatus(Gateway g, String name) {
    return g.getStatus().getListeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }

  /** The node's echo of a request: which backend port it reached, what it saw. */
  JsonObject ask(String host, String target, String... headers) throws Exception {
    RawHttp.Response r = request(host, target, headers);
    assertEquals(200, r.status(), host + target + ": " + r.text());
    return new JsonObject(r.text());
  }

  RawHttp.Response request(String host, String target, String... headers) throws Exception {
    StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: " + host);
    for (String h : headers) {
      head.append("\r\n").append(h);
    }
    try (RawHttp c = new RawHttp(gateway.port())) {
      return c.send(head.toString(), null).read(false);
    }
  }

  static String header(JsonObject echo, String name) {
    JsonArray headers = echo.getJsonArray("headers");
    for (int i = 0; i < headers.size(); i++) {
      if (headers.getJsonArray(i).getString(0).equals(name)) {
        return headers.getJsonArray(i).getString(1);
      }
    }
    return null;
  }

  Predicate<io.edgeport.Edgeport> serves(String host) {
    return g -> g.status() != null && g.status().domains().stream().anyMatch(d -> d.host().equals(host))
        && g.status().unavailable().isEmpty();
  }
}
