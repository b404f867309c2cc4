package io.edgeport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.balance.Endpoint;
import io.edgeport.balance.SelectionStrategy;
import io.edgeport.config.Cidr;
import io.edgeport.config.LoadBalancing;
import io.edgeport.config.RetryPolicy;
import io.edgeport.routing.Backend;
import io.edgeport.support.Configs;
import io.edgeport.support.Poll;
import io.edgeport.support.RawTcpNode;
import io.edgeport.support.TcpClients;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP relay of LoadBalancer Service ports on real sockets: nodes on 127.0.0.2-4, clients on loopback. */
class TcpListenersTest {
  static final String LB = "127.0.0.10";
  Vertx vertx;
  TcpListeners listeners;
  final List<RawTcpNode> nodes = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    listeners = new TcpListeners(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.runOnContext(v -> listeners.close());
    for (RawTcpNode n : nodes) {
      n.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  int startNodes(RawTcpNode.Mode mode) throws Exception {
    int port = Configs.freePort();
    for (String a : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
      nodes.add(new RawTcpNode(a, port, mode));
    }
    return port;
  }

  static TcpTarget target(int nodePort, List<String> hosts, List<Cidr> allowed, int proxyProtocol) {
    return target(nodePort, hosts, allowed, proxyProtocol, 60_000);
  }

  static TcpTarget target(int nodePort, List<String> hosts, List<Cidr> allowed, int proxyProtocol, long idleMillis) {
    List<Endpoint> endpoints = hosts.stream().map(h -> new Endpoint(h, nodePort)).toList();
    Backend backend = new Backend("default/db:5432", SelectionStrategy.of(LoadBalancing.ROUND_ROBIN).create(endpoints),
        allowed, null, RetryPolicy.DEFAULT, null, false, proxyProtocol);
    return new TcpTarget("default/db:5432", backend, 2000, idleMillis);
  }

  Map<TcpListeners.Bind, String> apply(Map<TcpListeners.Bind, TcpTarget> wanted) throws Exception {
    var result = new java.util.concurrent.CompletableFuture<Map<TcpListeners.Bind, String>>();
    vertx.runOnContext(v -> listeners.apply(wanted).onComplete(ar -> result.complete(ar.result())));
    return result.get(10, TimeUnit.SECONDS);
  }

  static Socket connect(int port) throws Exception {
    return TcpClients.connect(LB, port);
  }

  static String readAll(Socket s) throws Exception {
    return TcpClients.readAll(s);
  }

  @Test
  void sixtyFourMebibytesGoBothWaysByteForByteAndHalfClosePassesThrough() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.ECHO);
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"),
        List.of(), 0)));
    try (Socket s = connect(port)) {
      String tail = TcpClients.echoThenHalfClose(s, 64);
      assertTrue(tail.endsWith(" read " + (64L << 20)), "the node saw the client's half-close, then answered: " + tail);
    }
    var totals = listeners.counters().snapshot().get("default/db:5432");
    Poll.until(() -> listeners.counters().snapshot().get("default/db:5432").open() == 0, 10, "the connection closed");
    assertTrue(totals.bytesIn() >= 64L << 20 && totals.bytesOut() >= 64L << 20, totals.toString());
  }

  @Test
  void connectionsGoRoundTheNodesAndSkipOneThatRefuses() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.COUNT);
    nodes.get(1).close(); // 127.0.0.3 refuses
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2", "127.0.0.3", "127.0.0.4"),
        List.of(), 0)));
    Set<String> answeredBy = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 6; i++) {
      try (Socket s = connect(port)) {
        s.shutdownOutput();
        String answer = readAll(s);
        assertTrue(answer.endsWith(" read 0"), answer);
        answeredBy.add(answer.substring(0, answer.indexOf(' ')));
      }
    }
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), answeredBy, "every connection served; the dead node skipped");
    assertTrue(listeners.counters().snapshot().get("default/db:5432").connectFailuresByNode()
        .getOrDefault("127.0.0.3:" + nodePort, 0L) > 0);
  }

  static String greeting(Socket s) throws Exception {
    return TcpClients.greeting(s);
  }

  @Test
  void aNodeKilledMidStreamClosesOnlyItsOwnConnections() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.GREET);
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2", "127.0.0.3"), List.of(), 0)));
    try (Socket x = connect(port); Socket y = connect(port)) {
      boolean xOnTwo = greeting(x).equals("127.0.0.2");
      assertEquals(xOnTwo ? "127.0.0.3" : "127.0.0.2", greeting(y), "one connection on each node");
      Socket onDead = xOnTwo ? x : y;
      Socket onLive = xOnTwo ? y : x;
      for (Socket s : List.of(x, y)) {
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
      }
      nodes.get(0).close(); // 127.0.0.2 dies
      assertEquals(-1, onDead.getInputStream().read(), "the connection on the dead node ends");
      onLive.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
      assertEquals("pong", new String(onLive.getInputStream().readNBytes(4), StandardCharsets.US_ASCII),
          "the other node's connection goes on");
    }
    for (int i = 0; i < 2; i++) {
      try (Socket c = connect(port)) {
        assertEquals("127.0.0.3", greeting(c), "a new connection avoids the dead node");
      }
    }
  }

  @Test
  void aConnectionSilentBothWaysForTheIdleTimeoutIsClosed() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.ECHO);
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2"), List.of(), 0, 300)));
    try (Socket s = connect(port)) {
      s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
      assertEquals('x', s.getInputStream().read(), "served");
      assertEquals(-1, s.getInputStream().read(), "then closed after 300 ms of silence (the read waits up to 20 s)");
    }
    Poll.until(() -> nodes.get(0).accepted.get(0).isClosed(), 10, "the node's side closed too");
  }

  @Test
  void sourceRangesRefuseOthers() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.COUNT);
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2"),
        List.of(Cidr.parse("127.0.0.50/32")), 0)));
    try (Socket outsider = connect(port)) {
      assertEquals(-1, outsider.getInputStream().read(), "closed at once");
    }
    try (Socket insider = new Socket()) {
      insider.bind(new InetSocketAddress("127.0.0.50", 0));
      insider.connect(new InetSocketAddress(LB, port), 5000);
      insider.setSoTimeout(20_000);
      insider.shutdownOutput();
      assertTrue(readAll(insider).startsWith("127.0.0.2"));
    }
    assertEquals(1, listeners.counters().snapshot().get("default/db:5432").refused());
  }

  @Test
  void proxyProtocolTwoTellsTheNodeTheClient() throws Exception {
    int nodePort = Configs.freePort();
    var node = vertx.createNetServer(new NetServerOptions().setUseProxyProtocol(true))
        .connectHandler(s -> s.write(s.remoteAddress().hostAddress()).onComplete(v -> s.close()))
        .listen(nodePort, "127.0.0.2").await(10, TimeUnit.SECONDS);
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2"), List.of(), 2)));
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress("127.0.0.77", 0));
      s.connect(new InetSocketAddress(LB, port), 5000);
      s.setSoTimeout(20_000);
      assertEquals("127.0.0.77", readAll(s));
    }
    node.close();
  }

  @Test
  void aPortThatCannotBeBoundIsReportedAndTheOthersServeAndPortsComeAndGo() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.COUNT);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(LB, 0));
      int free = Configs.freePort();
      TcpTarget t = target(nodePort, List.of("127.0.0.2"), List.of(), 0);
      TcpListeners.Bind busy = new TcpListeners.Bind(LB, taken.getLocalPort());
      TcpListeners.Bind ok = new TcpListeners.Bind(LB, free);
      Map<TcpListeners.Bind, String> failures = apply(Map.of(busy, t, ok, t));
      assertEquals(Set.of(busy), failures.keySet());
      assertTrue(failures.get(busy).toLowerCase().contains("address already in use"), failures.get(busy));
      try (Socket s = connect(free)) {
        s.shutdownOutput();
        assertTrue(readAll(s).startsWith("127.0.0.2"));
      }
      // the same port again keeps its socket; a port no longer wanted stops listening
      try (Socket held = connect(free)) {
        Poll.until(() -> nodes.get(0).accepted.size() == 2, 10, "the held connection reached its node");
        assertEquals(Map.of(), apply(Map.of(ok, target(nodePort, List.of("127.0.0.3"), List.of(), 0))));
        held.shutdownOutput();
        assertTrue(readAll(held).startsWith("127.0.0.2"), "an established connection keeps its node");
        try (Socket next = connect(free)) {
          next.shutdownOutput();
          assertTrue(readAll(next).startsWith("127.0.0.3"), "a new one takes the new target");
        }
        apply(Map.of());
        Poll.until(() -> !canConnect(free), 10, "the port closed");
      }
    }
  }

  static boolean canConnect(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(LB), port), 1000);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
