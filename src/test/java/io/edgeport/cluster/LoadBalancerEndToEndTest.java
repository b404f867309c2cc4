package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.admin.AdminServer;
import io.edgeport.config.LimitsConfig;
import io.edgeport.support.Await;
import io.edgeport.support.Browser;
import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.Poll;
import io.edgeport.support.PrometheusText;
import io.edgeport.support.RawTcpNode;
import io.edgeport.support.TcpClients;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * edgeport as the load balancer of Services of type LoadBalancer, against the CRUD mock API with real watches:
 * TCP nodes on 127.0.0.2-4 on the Services' nodePorts, the load balancer's address 127.0.0.10.
 */
class LoadBalancerEndToEndTest extends MockApiTest {
  static final long WAIT = 15;
  static final String LB = "127.0.0.10";
  final List<RawTcpNode> tcpNodes = new ArrayList<>();
  int nodePort;

  @BeforeEach
  void startTcpNodes() throws Exception {
    nodePort = Configs.freePort();
    for (String a : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
      tcpNodes.add(new RawTcpNode(a, nodePort, RawTcpNode.Mode.GREET));
    }
    createNodes(3);
  }

  @AfterEach
  void stopTcpNodes() throws Exception {
    for (RawTcpNode n : tcpNodes) {
      n.close();
    }
  }

  void startLoadBalancer() throws Exception {
    startLoadBalancer("");
  }

  void startLoadBalancer(String rest, io.edgeport.Edgeport.Extension... extensions) throws Exception {
    startOnApi("""
        loadBalancer:
          class: edgeport.io/lb
          addresses: [%s]
          healthCheck: {interval: 1s, timeout: 1s, healthyThreshold: 1, unhealthyThreshold: 1}
        """.formatted(LB), rest, extensions);
  }

  Service loadBalancer(String name, String lbClass, int port, String protocol) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(lbClass).addNewPort().withName("db")
        .withProtocol(protocol).withPort(port).withNodePort(nodePort).endPort().endSpec().build();
  }

  /** Which node a new connection to the load balancer's port reaches, or null when nothing listens or serves. */
  static String nodeBehind(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LB, port), 2000);
      s.setSoTimeout(5000);
      StringBuilder line = new StringBuilder();
      for (int c = s.getInputStream().read(); c != '\n'; c = s.getInputStream().read()) {
        if (c < 0) {
          return null;
        }
        line.append((char) c);
      }
      s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("ping")
          ? line.toString() : null;
    } catch (Exception e) {
      return null;
    }
  }

  Set<String> spread(int port, int connections) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < connections; i++) {
      seen.add(String.valueOf(nodeBehind(port)));
    }
    return seen;
  }

  @Test
  void aServiceOfTheClassGetsItsAddressAndItsPortReachesEveryNode() throws Exception {
    int port = Configs.freePort();
    int otherPort = Configs.freePort();
    kube.services().resource(loadBalancer("db", "edgeport.io/lb", port, "TCP")).create();
    kube.services().resource(loadBalancer("theirs", "example.com/other", otherPort, "TCP")).create();
    startLoadBalancer();
    Poll.until(() -> nodeBehind(port) != null, WAIT, "the port listens");
    long before = gateway.tcpCounters().totals().get("default/db:" + port).connections();
    assertEquals(Set.of("127.0.0.2", "127.0.0.3", "127.0.0.4"), spread(port, 9), "every node takes connections");

    Service db = kube.services().inNamespace("default").withName("db").waitUntilCondition(s -> s.getStatus() != null
        && s.getStatus().getLoadBalancer() != null && !s.getStatus().getLoadBalancer().getIngress().isEmpty(),
        WAIT, TimeUnit.SECONDS);
    assertEquals(LB, db.getStatus().getLoadBalancer().getIngress().get(0).getIp());
    assertEquals("Proxy", db.getStatus().getLoadBalancer().getIngress().get(0).getIpMode());

    assertNull(nodeBehind(otherPort), "another class's port is not listened on");
    Service theirs = kube.services().inNamespace("default").withName("theirs").get();
    assertTrue(theirs.getStatus() == null || theirs.getStatus().getLoadBalancer() == null
        || theirs.getStatus().getLoadBalancer().getIngress().isEmpty(), "and its status is untouched");
    assertEquals(before + 9, gateway.tcpCounters().totals().get("default/db:" + port).connections());
  }

  /** An edit that tries again when edgeport's status write changed the Service in between (409), as clients do. */
  void editService(String name, java.util.function.Consumer<Service> change) {
    retryOnConflict(() -> kube.services().inNamespace("default").withName(name).edit(s -> {
      change.accept(s);
      return s;
    }));
  }

  static Socket connect(int port) throws Exception {
    return TcpClients.connect(LB, port);
  }

  @Test
  void sixtyFourMebibytesThroughAServicePortAndAHalfCloseSeenByTheNode() throws Exception {
    int port = Configs.freePort();
    kube.services().resource(loadBalancer("db", "edgeport.io/lb", port, "TCP")).create();
    startLoadBalancer();
    Poll.until(() -> nodeBehind(port) != null, WAIT, "the port listens");
    try (Socket s = connect(port)) {
      String node = TcpClients.greeting(s);
      assertEquals(node + " read " + (64L << 20), TcpClients.echoThenHalfClose(s, 64),
          "the node saw the client's half-close and could still answer");
    }
  }

  @Test
  void aNodeKilledMidStreamClosesOnlyItsConnectionsAndNewOnesAvoidIt() throws Exception {
    int port = Configs.freePort();
    kube.services().resource(loadBalancer("db", "edgeport.io/lb", port, "TCP")).create();
    startLoadBalancer();
    Poll.until(() -> nodeBehind(port) != null, WAIT, "the port listens");
    List<Socket> open = new ArrayList<>();
    try {
      Map<String, Socket> byNode = new HashMap<>();
      for (int i = 0; i < 6 && byNode.size() < 3; i++) {
        Socket s = connect(port);
        open.add(s);
        byNode.putIfAbsent(TcpClients.greeting(s), s);
      }
      assertEquals(Set.of("127.0.0.2", "127.0.0.3", "127.0.0.4"), byNode.keySet());
      tcpNodes.get(1).close(); // 127.0.0.3 dies
      assertEquals(-1, byNode.get("127.0.0.3").getInputStream().read(), "its connection ends");
      for (String live : List.of("127.0.0.2", "127.0.0.4")) {
        Socket s = byNode.get(live);
        s.getOutputStream().write("still".getBytes(StandardCharsets.US_ASCII));
        assertEquals("still", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII),
            live + "'s connection goes on");
      }
      assertEquals(Set.of("127.0.0.2", "127.0.0.4"), spread(port, 8), "new connections avoid the dead node");
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }

  @Test
  void sourceRangesRefuseOthersAndProxyProtocolTellsTheNodeTheClient() throws Exception {
    int port = Configs.freePort();
    kube.services().resource(new ServiceBuilder(loadBalancer("db", "edgeport.io/lb", port, "TCP")).editSpec()
        .withLoadBalancerSourceRanges("127.0.0.50/32").endSpec().build()).create();
    int proxied = Configs.freePort();
    int proxiedNodePort = Configs.freePort();
    List<io.vertx.core.net.NetServer> parsers = new ArrayList<>();
    for (String a : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
      parsers.add(vertx.createNetServer(new io.vertx.core.net.NetServerOptions().setUseProxyProtocol(true))
          .connectHandler(s -> s.write(s.remoteAddress().hostAddress()).onComplete(v -> s.close()))
          .listen(proxiedNodePort, a).await(10, TimeUnit.SECONDS));
    }
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName("app").withNamespace("default")
        .addToAnnotations("edgeport.io/proxy-protocol", "v2").endMetadata().withNewSpec().withType("LoadBalancer")
        .withLoadBalancerClass("edgeport.io/lb").addNewPort().withProtocol("TCP").withPort(proxied)
        .withNodePort(proxiedNodePort).endPort().endSpec().build()).create();
    startLoadBalancer();
    Poll.until(() -> canConnect(port) && canConnect(proxied), WAIT, "both ports listen");
    try (Socket outsider = connect(port)) {
      assertEquals(-1, outsider.getInputStream().read(), "not in loadBalancerSourceRanges: closed at once");
    }
    try (Socket insider = new Socket()) {
      insider.bind(new InetSocketAddress("127.0.0.50", 0));
      insider.connect(new InetSocketAddress(LB, port), 5000);
      insider.setSoTimeout(20_000);
      assertTrue(TcpClients.greeting(insider).startsWith("127.0.0."), "an allowed client is served");
    }
    try (Socket client = new Socket()) {
      client.bind(new InetSocketAddress("127.0.0.77", 0));
      client.connect(new InetSocketAddress(LB, proxied), 5000);
      client.setSoTimeout(20_000);
      assertEquals("127.0.0.77", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII),
          "the node read the client's address from the PROXY v2 header");
    }
    for (var p : parsers) {
      p.close();
    }
  }

  @Test
  void aServicePortTakesTheConnectionLimitsAndShowsWhatTheyRefused() throws Exception {
    int port = Configs.freePort();
    kube.services().resource(loadBalancer("db", "edgeport.io/lb", port, "TCP")).create();
    int admin = Configs.freePort();
    startLoadBalancer("""
        admin: "127.0.0.1:%d"
        limits: {maxConnectionsPerIp: 1}
        """.formatted(admin), new AdminServer(vertx, "test"));
    Poll.until(() -> canConnect(port), WAIT, "the port listens");
    try (Socket held = TcpClients.connect("127.0.0.60", LB, port)) {
      assertTrue(TcpClients.greeting(held).startsWith("127.0.0."), "served");
      try (Socket second = TcpClients.connect("127.0.0.60", LB, port)) {
        assertEquals(-1, second.getInputStream().read(), "a second from the same address: closed at once");
      }
      try (Socket other = TcpClients.connect("127.0.0.61", LB, port)) {
        assertTrue(TcpClients.greeting(other).startsWith("127.0.0."), "another address is served");
      }
      String service = "default/db:" + port;
      List<PrometheusText.Sample> metrics = PrometheusText.parse(
          Curl.run("http://127.0.0.1:" + admin + "/metrics").body());
      assertEquals(1.0, PrometheusText.sum(metrics, "edgeport_tcp_connections_refused_total",
          Map.of("service", service, "reason", "limits")));
      assertEquals(0.0, PrometheusText.sum(metrics, "edgeport_tcp_connections_refused_total",
          Map.of("service", service, "reason", "source-ranges")));
      JsonObject status = new JsonObject(Curl.run("http://127.0.0.1:" + admin + "/api/status").body())
          .getJsonArray("loadBalancers").getJsonObject(0);
      assertEquals(List.of(1L, (long) LimitsConfig.DEFAULTS.maxConnections(), 1L), List.of(status.getLong("overLimits"), status.getLong("maxConnections"),
          status.getLong("maxConnectionsPerIp")), "the port's refusals and its limits: " + status);
    }
  }

  @Test
  void clientIpAffinityKeepsAClientOnOneNode() throws Exception {
    int port = Configs.freePort();
    kube.services().resource(new ServiceBuilder(loadBalancer("db", "edgeport.io/lb", port, "TCP")).editSpec()
        .withSessionAffinity("ClientIP").endSpec().build()).create();
    startLoadBalancer();
    Poll.until(() -> canConnect(port), WAIT, "the port listens");
    Set<String> nodesSeen = new HashSet<>();
    for (int client = 60; client < 66; client++) {
      Set<String> perClient = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        try (Socket s = new Socket()) {
          s.bind(new InetSocketAddress("127.0.0." + client, 0));
          s.connect(new InetSocketAddress(LB, port), 5000);
          s.setSoTimeout(20_000);
          perClient.add(TcpClients.greeting(s));
        }
      }
      assertEquals(1, perClient.size(), "client 127.0.0." + client + " stays on one node: " + perClient);
      nodesSeen.addAll(perClient);
    }
    assertTrue(nodesSeen.size() > 1, "different clients spread over the nodes: " + nodesSeen);
  }

  static boolean canConnect(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LB, port), 1000);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void listenersFollowTheServicesClassPortsAndDeletion() throws Exception {
    int port = Configs.freePort();
    kube.services().resource(loadBalancer("db", "example.com/other", port, "TCP")).create();
    startLoadBalancer();
    assertNull(nodeBehind(port));

    editService("db", s -> s.getSpec().setLoadBalancerClass("edgeport.io/lb"));
    Poll.until(() -> nodeBehind(port) != null, WAIT, "the class changed to ours: the port listens");

    int moved = Configs.freePort();
    editService("db", s -> s.getSpec().getPorts().get(0).setPort(moved));
    Poll.until(() -> nodeBehind(moved) != null && nodeBehind(port) == null, WAIT, "the port moved");

    kube.services().inNamespace("default").withName("db").delete();
    Poll.until(() -> nodeBehind(moved) == null, WAIT, "deleted: no longer listened on");
  }

  @Test
  void localTrafficPolicySendsOnlyToNodesWhoseHealthCheckNodePortSaysSo() throws Exception {
    int port = Configs.freePort();
    kubeProxy.setHealthy(1, false); // no local endpoint on 127.0.0.3
    Service local = new ServiceBuilder(loadBalancer("db", "edgeport.io/lb", port, "TCP")).editSpec()
        .withExternalTrafficPolicy("Local").withHealthCheckNodePort(kubeProxy.port()).endSpec().build();
    kube.services().resource(local).create();
    startLoadBalancer();
    Await.until(gateway, g -> g.status().health().entrySet().stream()
        .anyMatch(e -> e.getKey().startsWith("127.0.0.3 ") && e.getValue() == io.edgeport.health.NodeHealth.Status.DOWN)
        && g.status().health().entrySet().stream().filter(e -> e.getValue() == io.edgeport.health.NodeHealth.Status.UP)
        .count() == 2, WAIT);
    Poll.until(() -> nodeBehind(port) != null, WAIT, "the port listens");
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), spread(port, 8));
  }

  @Test
  void aPortAlreadyTakenGivesAnEventAndAStatusEntryAndUdpIsNotServed() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(LB, 0));
      int busy = taken.getLocalPort();
      int free = Configs.freePort();
      kube.services().resource(loadBalancer("busy", "edgeport.io/lb", busy, "TCP")).create();
      kube.services().resource(loadBalancer("fine", "edgeport.io/lb", free, "TCP")).create();
      kube.services().resource(loadBalancer("dns", "edgeport.io/lb", Configs.freePort(), "UDP")).create();
      int admin = Configs.freePort();
      startLoadBalancer("admin: \"127.0.0.1:%d\"\n".formatted(admin), new AdminServer(vertx, "test"));
      Poll.until(() -> nodeBehind(free) != null, WAIT, "the other Service's port serves");
      Await.until(gateway, g -> g.status().l4Failures().size() == 1, WAIT);
      String why = gateway.status().l4Failures().values().iterator().next();
      assertTrue(why.toLowerCase().contains("address already in use"), why);
      Poll.until(() -> kube.v1().events().inNamespace("default").list().getItems().stream()
          .anyMatch(e -> e.getInvolvedObject().getName().equals("busy")), WAIT, "an Event on the Service");
      Event e = kube.v1().events().inNamespace("default").list().getItems().stream()
          .filter(x -> x.getInvolvedObject().getName().equals("busy")).findFirst().orElseThrow();
      assertEquals("Warning", e.getType());
      assertEquals("ListenFailed", e.getReason());
      assertTrue(e.getMessage().contains(LB + ":" + busy), e.getMessage());
      assertTrue(gateway.status().l4Routes().stream().anyMatch(p -> p.service().equals("default/dns")
          && p.protocol().equals("UDP") && p.backend() == null), "the UDP port is known and not relayed");

      // the status API (the dashboard's source) and the metrics show it all
      Map<String, JsonObject> byService = loadBalancersByService(admin);
      assertTrue(byService.get("default/busy").getJsonObject("cannotListen").getString(LB + ":" + busy)
          .toLowerCase().contains("address already in use"));
      assertEquals(List.of(LB + ":" + free), byService.get("default/fine").getJsonArray("listening").getList());
      assertEquals(3, byService.get("default/fine").getJsonArray("nodes").size());
      assertTrue(byService.get("default/dns").getString("notServed").startsWith("UDP is not relayed"));
      String dom = Browser.renderedDom(dir, admin);
      int row = dom.indexOf("data-service=\"default/busy:" + busy + "\"");
      assertTrue(row > 0 && dom.indexOf("cannot listen on " + LB + ":" + busy, row) > 0,
          "the dashboard shows the port it cannot listen on");
      assertTrue(dom.contains("UDP is not relayed"), "and the UDP port");
      String metrics = Curl.run("http://127.0.0.1:" + admin + "/metrics").body();
      assertTrue(metrics.contains("edgeport_tcp_connections_total{service=\"default/fine:" + free + "\"}"), metrics);
    }
  }

  @Test
  void servicesAskingForOnePortTheOldestHasItWhateverItsNameAndTheNextOldestTakesItWhenItGoes() throws Exception {
    int port = Configs.freePort();
    // created in this order, a second apart (the API's creation times are in seconds): by name, zeta sorts last and
    // alpha first, so neither the later nor the earlier name is the oldest
    Service oldest = kube.services().resource(loadBalancer("mid", "edgeport.io/lb", port, "TCP")).create();
    Service zeta = createAfter(oldest, "zeta", port, greeters("zeta"));
    createAfter(zeta, "alpha", port, greeters("alpha"));
    int admin = Configs.freePort();
    startLoadBalancer("admin: \"127.0.0.1:%d\"\n".formatted(admin), new AdminServer(vertx, "test"));
    Poll.until(() -> nodeBehind(port) != null, WAIT, "the port listens");
    assertEquals(Set.of("127.0.0.2", "127.0.0.3", "127.0.0.4"), spread(port, 6),
        "the oldest Service's nodes take every connection");

    Map<String, JsonObject> byService = loadBalancersByService(admin);
    assertEquals(List.of(LB + ":" + port), byService.get("default/mid").getJsonArray("listening").getList());
    for (String newer : List.of("default/zeta", "default/alpha")) {
      assertEquals("port " + port + " is served for Service default/mid", byService.get(newer).getString("notServed"),
          newer + "'s port is not served, and why");
      assertNull(byService.get(newer).getJsonArray("listening"));
    }
    Poll.until(() -> kube.v1().events().inNamespace("default").list().getItems().stream()
        .anyMatch(e -> e.getInvolvedObject().getName().equals("zeta")), WAIT, "an Event on a newer Service");
    Event e = kube.v1().events().inNamespace("default").list().getItems().stream()
        .filter(x -> x.getInvolvedObject().getName().equals("zeta")).findFirst().orElseThrow();
    assertEquals(List.of("Warning", "PortInUse"), List.of(e.getType(), e.getReason()));
    assertEquals("port " + port + " is in use by another Service", e.getMessage(), "the holder is not named");

    kube.services().inNamespace("default").withName("mid").delete();
    Poll.until(() -> "zeta".equals(nodeBehind(port)), WAIT, "the oldest deleted: the next oldest has the port");
    assertEquals(Set.of("zeta"), spread(port, 4));
    byService = loadBalancersByService(admin);
    assertEquals(List.of(LB + ":" + port), byService.get("default/zeta").getJsonArray("listening").getList());
    assertEquals("port " + port + " is served for Service default/zeta",
        byService.get("default/alpha").getString("notServed"));
  }

  @Test
  void aServedPortStaysWithItsServiceWhenAnOlderOneAsksForItAndGoesToTheOlderWhenDropped() throws Exception {
    int port = Configs.freePort();
    int own = Configs.freePort();
    Service older = kube.services().resource(loadBalancer("a", "edgeport.io/lb", own, "TCP")).create();
    createAfter(older, "b", port, greeters("b"));
    startLoadBalancer();
    Poll.until(() -> "b".equals(nodeBehind(port)), WAIT, "b's port serves");
    awaitPorts("b", Map.of(port, ""), "b's status lists its port under edgeport's address");
    awaitPorts("a", Map.of(own, ""), "and a's its own");

    int aNodes = greeters("a");
    editService("a", s -> s.getSpec().getPorts().add(new ServicePortBuilder().withName("taken").withProtocol("TCP")
        .withPort(port).withNodePort(aNodes).build()));
    awaitPorts("a", Map.of(own, "", port, "PortInUse"), "the older Service asking for b's port is refused");
    assertEquals(Set.of("b"), spread(port, 4), "b keeps its port");
    assertEquals(Map.of(port, ""), ports(kube.services().inNamespace("default").withName("b").get()));
    Poll.until(() -> portInUseEvents("a").size() == 1, WAIT, "a PortInUse Event on the refused Service");
    assertEquals("port " + port + " is in use by another Service", portInUseEvents("a").get(0).getMessage());

    int moved = Configs.freePort();
    editService("b", s -> s.getSpec().getPorts().get(0).setPort(moved));
    Poll.until(() -> "a".equals(nodeBehind(port)), WAIT, "b dropped the port: a has it");
    awaitPorts("a", Map.of(own, "", port, ""), "a's status lists it now");
    awaitPorts("b", Map.of(moved, ""), "b's its new port only");
    assertEquals(Set.of("a"), spread(port, 4));
    assertEquals(1, portInUseEvents("a").size(), "one Event for the refusal");
  }

  /** The ports a Service's status lists under edgeport's address, each with its error ("" for none). */
  static Map<Integer, String> ports(Service s) {
    Map<Integer, String> out = new HashMap<>();
    if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null) {
      s.getStatus().getLoadBalancer().getIngress().stream().filter(i -> LB.equals(i.getIp()))
          .flatMap(i -> i.getPorts().stream()).forEach(p -> out.put(p.getPort(), p.getError() == null ? "" : p.getError()));
    }
    return out;
  }

  void awaitPorts(String service, Map<Integer, String> expected, String what) {
    Poll.until(() -> expected.equals(ports(kube.services().inNamespace("default").withName(service).get())), WAIT, what);
  }

  List<Event> portInUseEvents(String service) {
    return kube.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(service) && e.getReason().equals("PortInUse")).toList();
  }

  /** Three nodes (127.0.0.2-4) on a new nodePort that greet with {@code name}, then echo; the nodePort. */
  int greeters(String name) throws Exception {
    int port = Configs.freePort();
    for (String a : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
      vertx.createNetServer().connectHandler(s -> {
        s.handler(s::write);
        s.write(name + "\n");
      }).listen(port, a).await(10, TimeUnit.SECONDS);
    }
    return port;
  }

  /** A LoadBalancer Service created in a later second than {@code before}: the API gives it a later creation time. */
  Service createAfter(Service before, String name, int port, int nodePort) {
    Instant created = Instant.parse(before.getMetadata().getCreationTimestamp());
    Poll.until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(created), WAIT, "a later second");
    return kube.services().resource(new ServiceBuilder(loadBalancer(name, "edgeport.io/lb", port, "TCP")).editSpec()
        .editFirstPort().withNodePort(nodePort).endPort().endSpec().build()).create();
  }

  /** The status API's LoadBalancer ports, by Service. */
  static Map<String, JsonObject> loadBalancersByService(int admin) throws Exception {
    Map<String, JsonObject> out = new HashMap<>();
    new JsonObject(Curl.run("http://127.0.0.1:" + admin + "/api/status").body()).getJsonArray("loadBalancers")
        .forEach(o -> out.put(((JsonObject) o).getString("service"), (JsonObject) o));
    return out;
  }
}
