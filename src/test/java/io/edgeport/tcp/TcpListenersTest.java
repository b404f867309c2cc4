package io.edgeport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeport.balance.Endpoint;
import io.edgeport.balance.SelectionStrategy;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.RetryPolicy;
import io.edgeport.net.Cidr;
import io.edgeport.routing.Backend;
import io.edgeport.support.Blackhole;
import io.edgeport.support.Configs;
import io.edgeport.support.Poll;
import io.edgeport.support.RawTcpNode;
import io.edgeport.support.TcpClients;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TCP relay of LoadBalancer Service ports on real sockets: nodes on 127.0.0.2-4, clients on loopback. On each
 * transport: the gateway runs on io_uring or epoll, which deliver reads and FINs differently from NIO (a FIN is read
 * whatever autoRead says; io_uring reports it before the read complete).
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"io_uring", "epoll", "nio"})
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TcpListenersTest {
  static final String LB = "127.0.0.10";
  @Parameter
  String transportName;
  Vertx vertx;
  TcpListeners listeners;
  final List<RawTcpNode> nodes = new ArrayList<>();

  static {
    // Netty 4.2.9's io_uring asserts that its event loop's shared iovec array is empty whenever a channel takes
    // it, but two channels of one loop (a client and its node) both queue writes before one submit. Its code
    // handles that (it writes from the array's current offset; later Netty moved the assert), and edgeport runs
    // without -ea, but the tests run with it: the assert would fail relays here that work in production.
    Vertx.class.getClassLoader().setPackageAssertionStatus("io.netty.channel.uring", false);
  }

  @BeforeEach
  void start() {
    Transport transport = Arrays.asList(Transport.IO_URING, Transport.EPOLL, Transport.NIO).stream()
        .filter(t -> t != null && t.name().equals(transportName)).findFirst().orElse(null);
    assumeTrue(transport != null && transport.available(), transportName + " is not available here");
    vertx = Vertx.builder().withTransport(transport).build();
    listeners = new TcpListeners(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx == null) {
      return; // the transport is not available here
    }
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
        allowed, null, RetryPolicy.DEFAULT, null, false, proxyProtocol, null);
    return new TcpTarget("default/db:5432", backend, 2000, idleMillis, 0, 0, 64);
  }

  @Test
  void aClientThatSendsAndHalfClosesAtOnceGetsWhatTheNodeAnswersAfterTheFin() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.COUNT);
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2"), List.of(), 0, 5000)));
    for (int i = 0; i < 50; i++) { // the line and the FIN race the node connect and each other: many tries
      try (Socket s = connect(port)) {
        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        s.shutdownOutput();
        assertEquals("127.0.0.2 read 6", readAll(s), "connection " + i + ": the node read the line, then the FIN,"
            + " and its answer came back (an empty answer comes after the 5 s idle timeout)");
      }
    }
  }

  @Test
  void aLongAnswerAfterTheClientsFinReachesASlowClientWholeThoughTheNodeClosedLongBefore() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.BULK);
    int port = Configs.freePort();
    apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.2"), List.of(), 0)));
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(8192); // a small window: most of the answer waits in the relay and the kernel
      s.connect(new InetSocketAddress(LB, port), 5000);
      s.setSoTimeout(20_000);
      s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      Poll.until(() -> nodes.get(0).accepted.size() == 1 && nodes.get(0).accepted.get(0).isClosed(), 10,
          "the node sent its answer and closed, the client reading nothing yet");
      String answer = readAll(s);
      assertEquals(RawTcpNode.BULK_BYTES + "127.0.0.2 read 6".length(), answer.length(), "all of it, not its head");
      assertTrue(answer.endsWith("127.0.0.2 read 6"), answer.substring(Math.max(0, answer.length() - 40)));
    }
  }

  @Test
  void whatAClientSendsWithItsFinWhileItsNodeIsStillConnectingReachesTheNextNodeInOrder() throws Exception {
    int nodePort = Configs.freePort();
    nodes.add(new RawTcpNode("127.0.0.2", nodePort, RawTcpNode.Mode.COUNT));
    byte[] payload = new byte[100_000];
    new Random(3).nextBytes(payload);
    try (Blackhole hole = new Blackhole("127.0.0.3", nodePort)) { // its connects hang: 1 s of the 2 s, then .2
      int port = Configs.freePort();
      apply(Map.of(new TcpListeners.Bind(LB, port), target(nodePort, List.of("127.0.0.3", "127.0.0.2"), List.of(), 0)));
      for (int i = 0; i < 2; i++) { // round robin: one of the two goes to the black hole first
        try (Socket s = connect(port)) {
          s.getOutputStream().write(payload);
          s.shutdownOutput();
          assertEquals("127.0.0.2 read " + payload.length, readAll(s), "connection " + i);
        }
      }
    }
    assertTrue(listeners.counters().totals().get("default/db:5432").connectFailuresByNode()
        .getOrDefault("127.0.0.3:" + nodePort, 0L) > 0, "a connection was held while its first node timed out");
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
    var totals = listeners.counters().totals().get("default/db:5432");
    Poll.until(() -> listeners.counters().totals().get("default/db:5432").open() == 0, 10, "the connection closed");
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
    assertTrue(listeners.counters().totals().get("default/db:5432").connectFailuresByNode()
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
  void connectionsOverTheLimitsCloseAtOnceAreCountedAndEveryWayAConnectionEndsGivesItsSlotBack() throws Exception {
    int nodePort = startNodes(RawTcpNode.Mode.GREET);
    int port = Configs.freePort();
    for (int round = 0; round < 2; round++) { // the second round, retargeted: the slots of the first came back
      String node = round == 0 ? "127.0.0.2" : "127.0.0.3";
      TcpTarget t = target(nodePort, List.of(node), List.of(), 0);
      apply(Map.of(new TcpListeners.Bind(LB, port), new TcpTarget(t.name(), t.backend(), t.connectTimeoutMillis(),
          t.idleMillis(), 3, 2, 64))); // 3 in all, 2 per client address
      List<Socket> held = new ArrayList<>();
      try {
        for (String from : List.of("127.0.0.60", "127.0.0.60", "127.0.0.61")) {
          held.add(TcpClients.connect(from, LB, port));
          assertEquals(node, greeting(held.get(held.size() - 1)), "round " + round + ": served");
        }
        try (Socket third = TcpClients.connect("127.0.0.60", LB, port)) {
          assertEquals(-1, third.getInputStream().read(), "a third from one address is closed at once");
        }
        try (Socket fourth = TcpClients.connect("127.0.0.62", LB, port)) {
          assertEquals(-1, fourth.getInputStream().read(), "a fourth in all is closed at once");
        }
        assertEquals(2L * (round + 1), listeners.counters().totals().get("default/db:5432").overLimits());
        if (round == 0) { // each way a relayed connection ends
          held.get(0).shutdownOutput(); // both directions end: the node answers the FIN and closes
          assertTrue(readAll(held.get(0)).endsWith("127.0.0.2 read 0"));
          held.get(1).setSoLinger(true, 0); // the client resets
          nodes.get(0).close(); // the node dies under the third
          assertEquals(-1, held.get(2).getInputStream().read());
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
      Poll.until(() -> listeners.counters().totals().get("default/db:5432").open() == 0, 10, "all closed");
    }
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
    assertEquals(1, listeners.counters().totals().get("default/db:5432").refused());
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
