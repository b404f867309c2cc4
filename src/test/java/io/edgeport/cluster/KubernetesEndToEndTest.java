package io.edgeport.cluster;

import static io.edgeport.health.NodeHealth.Status.DOWN;
import static io.edgeport.health.NodeHealth.Status.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.Edgeport;
import io.edgeport.config.ConfigLoader;
import io.edgeport.support.Await;
import io.edgeport.support.Curl;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestCertificates;
import io.edgeport.support.TestNodes;
import io.edgeport.support.TlsProbe;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Discovery against the fabric8 mock API server in CRUD mode with real watches; nodes are backends
 * on 127.0.0.2-4 (their InternalIPs), kube-proxy's health servers are test servers on those addresses.
 */
class KubernetesEndToEndTest extends MockApiTest {
  static final long WAIT = 15;

  void startGateway(String extraKubernetes, String domains) throws Exception {
    startOnApi(extraKubernetes, "domains:\n" + domains.indent(2));
  }

  static final String API_DOMAIN = """
      - host: api.example.com
        service: default/api-service
        healthCheck: {interval: 1s, timeout: 1s, healthyThreshold: 1, unhealthyThreshold: 1}
      """;

  Map<String, Integer> spread(int n) throws Exception {
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < n; i++) {
      RawHttp.Response r = RawHttp.get(gateway.port(), "api.example.com", "/");
      perNode.merge(r.status() == 200 ? new JsonObject(r.text()).getString("node") : "status " + r.status(), 1,
          Integer::sum);
    }
    return perNode;
  }

  String proxyKey(int node) {
    return nodes.addresses().get(node) + " on :" + kubeProxy.port() + " /healthz";
  }

  /** Routing serves exactly these node addresses (UP under their check). */
  Predicate<Edgeport> serving(Set<String> addresses) {
    return g -> g.status().cluster().nodes().size() == addresses.size()
        && g.status().cluster().nodes().containsAll(addresses)
        && addresses.stream().allMatch(a -> g.status().health().entrySet().stream()
            .anyMatch(e -> e.getKey().startsWith(a + " ") && e.getValue() == UP));
  }

  @Test
  void aReloadSwitchesBetweenAStaticNodeListAndKubernetes() throws Exception {
    createNodes(2);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    Path file = dir.resolve("edgeport.yaml");
    String staticConfig = """
        listen:
          http: "127.0.0.1:0"
        nodes: [%s]
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(nodes.addresses().get(2), nodes.port());
    Files.writeString(file, staticConfig);
    gateway = Edgeport.start(vertx, ConfigLoader.load(file).config(), 2).await(40, TimeUnit.SECONDS);
    int port = gateway.port();
    assertEquals(Set.of("127.0.0.4"), spread(6).keySet());
    assertEquals("static", gateway.status().source().state());

    Files.writeString(file, """
        listen:
          http: "127.0.0.1:0"
        kubernetes:
          kubeconfig: %s
          nodeHealth: backend
        domains:
        %s""".formatted(kubeconfig(), API_DOMAIN.indent(2)));
    gateway.reload(ConfigLoader.load(file).config(), "test").await(40, TimeUnit.SECONDS);
    assertEquals("connected", gateway.status().source().state());
    assertEquals(port, gateway.port(), "the listener stays");
    Await.until(gateway, serving(Set.of("127.0.0.2", "127.0.0.3")), WAIT);
    assertEquals(Set.of("127.0.0.2", "127.0.0.3"), spread(10).keySet(), "nodes come from the API now");

    Files.writeString(file, staticConfig);
    gateway.reload(ConfigLoader.load(file).config(), "test").await(40, TimeUnit.SECONDS);
    assertEquals("static", gateway.status().source().state(), "the Kubernetes source is stopped");
    assertEquals(Set.of("127.0.0.4"), spread(6).keySet());
  }

  @Test
  void aNodePortServiceServesOnEveryNodeAndFollowsNodes() throws Exception {
    createNodes(2);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    startGateway("", API_DOMAIN);
    assertEquals(Set.of("127.0.0.2", "127.0.0.3"), spread(20).keySet());

    kube.nodes().resource(node("worker-3", "127.0.0.4")).create();
    Await.until(gateway, serving(Set.of("127.0.0.2", "127.0.0.3", "127.0.0.4")), WAIT);
    assertEquals(Map.of("127.0.0.2", 10, "127.0.0.3", 10, "127.0.0.4", 10), spread(30), "a new node takes traffic");

    kube.nodes().withName("worker-2").edit(n -> new NodeBuilder(n).editMetadata()
        .addToLabels("node.kubernetes.io/exclude-from-external-load-balancers", "true").endMetadata().build());
    Await.until(gateway, g -> g.status().cluster().excludedNodes().containsKey("worker-2"), WAIT);
    assertEquals("label node.kubernetes.io/exclude-from-external-load-balancers=true",
        gateway.status().cluster().excludedNodes().get("worker-2"));
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), spread(20).keySet());

    kube.nodes().withName("worker-1").edit(n -> new NodeBuilder(n).editSpec().addNewTaint()
        .withKey("ToBeDeletedByClusterAutoscaler").withEffect("NoSchedule").endTaint().endSpec().build());
    Await.until(gateway, g -> g.status().cluster().excludedNodes().containsKey("worker-1"), WAIT);
    assertEquals(Set.of("127.0.0.4"), spread(10).keySet(), "the autoscaler's taint drains it");

    kube.nodes().withName("worker-2").edit(n -> new NodeBuilder(n).editMetadata()
        .addToLabels("node.kubernetes.io/exclude-from-external-load-balancers", "false").endMetadata().build());
    Await.until(gateway, serving(Set.of("127.0.0.3", "127.0.0.4")), WAIT);
    assertEquals(Set.of("127.0.0.3", "127.0.0.4"), spread(20).keySet(), "a label that parses as false excludes nothing");
  }

  @Test
  void aRequestInFlightFinishesWhenItsNodeLeavesTheRouting() throws Exception {
    createNodes(1);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    startGateway("", API_DOMAIN);
    try (RawHttp client = new RawHttp(gateway.port())) {
      client.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: api.example.com", null);
      assertTrue(nodes.awaitRequest(10), "the request reached worker-1");
      kube.nodes().withName("worker-1").edit(n -> new NodeBuilder(n).editMetadata()
          .addToLabels("node.kubernetes.io/exclude-from-external-load-balancers", "true").endMetadata().build());
      Await.until(gateway, g -> g.status().cluster().nodes().isEmpty(), WAIT);
      assertEquals(200, client.read(false).status(), "the new generation does not cut the request off");
    }
    assertEquals(503, RawHttp.get(gateway.port(), "api.example.com", "/").status(), "no node left: 503");
  }

  @Test
  void aNodeBeingDeletedIsDrained() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    startGateway("", API_DOMAIN);
    kube.nodes().withName("worker-3").delete(); // its finalizer keeps it, with a deletionTimestamp
    Await.until(gateway, g -> g.status().cluster().excludedNodes().containsKey("worker-3"), WAIT);
    assertTrue(gateway.status().cluster().excludedNodes().get("worker-3").startsWith("being deleted"));
    assertEquals(Set.of("127.0.0.2", "127.0.0.3"), spread(20).keySet());
  }

  @Test
  void kubeProxyHealthDecidesForClusterPolicy() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    startGateway("", API_DOMAIN);
    assertEquals(UP, gateway.status().health().get(proxyKey(1)), "nodes are checked through kube-proxy's /healthz");
    kubeProxy.setHealthy(1, false); // kube-proxy on worker-2 says the node is draining
    Await.health(gateway, h -> h.get(proxyKey(1)) == DOWN, WAIT);
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), spread(20).keySet());
  }

  @Test
  void trafficFollowsANodePortChangeAndAServiceDeletionAnswers503() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    startGateway("", API_DOMAIN);
    try (TestNodes moved = TestNodes.start(vertx, 3)) {
      kube.services().inNamespace("default").withName("api-service")
          .edit(s -> new ServiceBuilder(s).editSpec().editFirstPort().withNodePort(moved.port()).endPort().endSpec().build());
      Await.until(gateway, g -> g.status().cluster().services().get("default/api-service").ports().get(0).nodePort()
          == moved.port(), WAIT);
      RawHttp.Response r = RawHttp.get(gateway.port(), "api.example.com", "/");
      assertEquals(moved.port(), new JsonObject(r.text()).getInteger("port"));
    }
    kube.services().inNamespace("default").withName("api-service").delete();
    Await.until(gateway, g -> g.status().unavailable().containsKey("api.example.com"), WAIT);
    assertEquals("service default/api-service not found", gateway.status().unavailable().get("api.example.com"));
    assertEquals(503, RawHttp.get(gateway.port(), "api.example.com", "/").status());
  }

  @Test
  void servicesWithoutANodePortAnswer503WithAReason() throws Exception {
    createNodes(1);
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName("internal").withNamespace("default")
        .endMetadata().withNewSpec().withType("ClusterIP").addNewPort().withPort(80).endPort().endSpec().build()).create();
    kube.services().resource(new ServiceBuilder(nodePortService("two-ports", nodes.port())).editSpec().addNewPort()
        .withName("admin").withPort(9000).withNodePort(nodes.port() + 1).endPort().endSpec().build()).create();
    startGateway("", """
        - host: internal.example.com
          service: default/internal
        - host: two.example.com
          service: default/two-ports
        - host: wrongport.example.com
          service: default/two-ports
          port: grpc
        """);
    assertEquals(Map.of(
        "internal.example.com", "service default/internal is of type ClusterIP and has no nodePort (use NodePort or LoadBalancer)",
        "two.example.com", "service default/two-ports has 2 ports; set 'port'",
        "wrongport.example.com", "service default/two-ports has no port grpc"), gateway.status().unavailable());
    assertEquals(503, RawHttp.get(gateway.port(), "internal.example.com", "/").status());
  }

  @Test
  void localTrafficPolicyRoutesOnlyToNodesWithLocalEndpoints() throws Exception {
    createNodes(3);
    try (TestNodes healthCheckNodePort = TestNodes.start(vertx, 3)) {
      healthCheckNodePort.setHealthy(0, false); // worker-1 has no local endpoint
      kube.services().resource(new ServiceBuilder(nodePortService("api-service", nodes.port())).editSpec()
          .withExternalTrafficPolicy("Local").withHealthCheckNodePort(healthCheckNodePort.port()).endSpec().build())
          .create();
      startGateway("", API_DOMAIN);
      assertEquals(Set.of("127.0.0.3", "127.0.0.4"), spread(20).keySet());
    }
  }

  @Test
  void sessionAffinityAndSourceRangesComeFromTheService() throws Exception {
    createNodes(3);
    kube.services().resource(new ServiceBuilder(nodePortService("api-service", nodes.port())).editSpec()
        .withSessionAffinity("ClientIP").withLoadBalancerSourceRanges("127.0.0.1/32").endSpec().build()).create();
    startGateway("", API_DOMAIN);
    assertEquals(1, spread(20).size(), "ClientIP affinity: one client, one node");
    try (RawHttp outsider = new RawHttp(gateway.port(), "127.0.0.9")) {
      assertEquals(403, outsider.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
    }
  }

  @Test
  void ingressesOfTheClassAddHostsAndGetTheirStatus() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("web", nodes.port())).create();
    startGateway("ingressClass: edgeport\npublishAddress: 203.0.113.10", API_DOMAIN);
    kube.network().v1().ingresses().resource(new IngressBuilder().withNewMetadata().withName("web").withNamespace("default")
        .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
        .withNewSpec().withIngressClassName("edgeport").addNewRule().withHost("shop.example.com").withNewHttp()
        .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build())
        .create();
    kube.network().v1().ingresses().resource(new IngressBuilder().withNewMetadata().withName("other").withNamespace("default")
        .endMetadata().withNewSpec().withIngressClassName("nginx").addNewRule().withHost("other.example.com")
        .withNewHttp().addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build())
        .create();
    Await.until(gateway, g -> g.status().cluster().discoveredDomains().size() == 1, WAIT);
    RawHttp.Response r = RawHttp.get(gateway.port(), "shop.example.com", "/cart");
    assertEquals(200, r.status(), r.text());
    assertEquals(404, RawHttp.get(gateway.port(), "other.example.com", "/").status(), "another class is not ours");
    Ingress written = kube.network().v1().ingresses().inNamespace("default").withName("web")
        .waitUntilCondition(i -> i.getStatus() != null && i.getStatus().getLoadBalancer() != null
            && i.getStatus().getLoadBalancer().getIngress() != null && !i.getStatus().getLoadBalancer().getIngress().isEmpty(),
            WAIT, TimeUnit.SECONDS);
    assertEquals("203.0.113.10", written.getStatus().getLoadBalancer().getIngress().get(0).getIp());
  }

  @Test
  void ingressTlsIsServedFromItsSecretOnTheHttpsListener() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("web", nodes.port())).create();
    TestCertificates ca = TestCertificates.create(dir);
    TestCertificates.Leaf shop = ca.issue(TestCertificates.KeyFormat.PKCS1_RSA, "shop.example.com");
    tlsSecret("default", "shop-tls", shop);
    for (String host : new String[] {"shop.example.com", "blog.example.com"}) {
      String name = host.substring(0, host.indexOf('.'));
      kube.network().v1().ingresses().resource(new IngressBuilder().withNewMetadata().withName(name)
          .withNamespace("default").endMetadata().withNewSpec().withIngressClassName("edgeport")
          .addNewTl().withSecretName(name + "-tls").endTl() // no hosts: the rule's
          .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
          .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
          .endBackend().endPath().endHttp().endRule().endSpec().build()).create();
    }
    int httpsPort = io.edgeport.support.Configs.freePort();
    startOnApi(httpsPort, "ingressClass: edgeport", "domains:\n" + API_DOMAIN.indent(2));
    Await.until(gateway, g -> g.status().cluster().discoveredDomains().size() == 2
        && g.generation().certificates().all().size() == 1, WAIT);
    assertTrue(TlsProbe.handshake(httpsPort, "shop.example.com", null).names().contains("shop.example.com"));
    Curl.Result r = Curl.run("--cacert", ca.caCert().toString(), "--resolve", "shop.example.com:" + httpsPort
        + ":127.0.0.1", "https://shop.example.com:" + httpsPort + "/cart");
    assertEquals("200 2", r.writeOut(), r.stderr());
    // blog's Secret does not exist: its host is served over plain HTTP only, and nothing else breaks
    assertEquals(200, RawHttp.get(gateway.port(), "blog.example.com", "/").status());
  }

  @Test
  void anApiOutageKeepsTheLastStateAndChangesAfterItArePickedUp() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    startGateway("", API_DOMAIN);
    int port = apiPort;
    api.destroy();
    Await.until(gateway, g -> g.status().source().state().startsWith("disconnected since"), WAIT);
    assertEquals(3, spread(30).size(), "traffic keeps flowing to the last known nodes");
    startApi(port); // the same state, the same address
    kube.close();
    kube = api.createClient();
    kube.nodes().withName("worker-1").edit(n -> new NodeBuilder(n).editMetadata()
        .addToLabels("node.kubernetes.io/exclude-from-external-load-balancers", "").endMetadata().build());
    Await.until(gateway, g -> g.status().cluster().excludedNodes().containsKey("worker-1"), 30);
    Await.until(gateway, g -> g.status().source().state().equals("connected"), WAIT);
    assertEquals(Set.of("127.0.0.3", "127.0.0.4"), spread(20).keySet());
  }

  /**
   * cert-manager's HTTP-01 solver behind edgeport with ACME on: its Ingress for {@code /.well-known/acme-challenge/TOKEN}
   * to the solver's NodePort Service is routed as any path, since the token is not one of edgeport's own orders.
   */
  @Test
  void certManagersSolverIngressStillRoutesWithAcmeOn() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("cm-acme-http-solver-x7k2p", nodes.port())).create();
    String path = "/.well-known/acme-challenge/cert-managers-token_123";
    kube.network().v1().ingresses().resource(new IngressBuilder().withNewMetadata()
        .withName("cm-acme-http-solver-x7k2p").withNamespace("default").endMetadata().withNewSpec()
        .withIngressClassName("edgeport").addNewRule().withHost("shop.example.com").withNewHttp().addNewPath()
        .withPath(path).withPathType("ImplementationSpecific").withNewBackend().withNewService()
        .withName("cm-acme-http-solver-x7k2p").withNewPort().withNumber(80).endPort().endService().endBackend()
        .endPath().endHttp().endRule().endSpec().build()).create();
    int httpsPort = io.edgeport.support.Configs.freePort();
    startOnApi(httpsPort, "ingressClass: edgeport", """
        acme:
          email: ops@example.com
          agreeToTerms: true
          directory: https://127.0.0.1:1/directory
        """);
    Await.until(gateway, g -> g.status().cluster().discoveredDomains().size() == 1, WAIT);
    assertTrue(gateway.acme().views().isEmpty(), "nothing asked edgeport for a certificate");
    RawHttp.Response r = RawHttp.get(gateway.port(), "shop.example.com", path);
    assertEquals(200, r.status(), r.text());
    assertEquals(path, new JsonObject(r.text()).getString("uri"), "the solver's node answered");
  }
}
