package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.NodeProcesses;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestNodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** WebSockets through the gateway, against real nodes: frames both ways, closes both ways, a dying node, idle. */
class WebSocketEndToEndTest extends LiveNodesTest {

  private WebSocketClient client() {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(TestNodes.MAX_MESSAGE));
  }

  private WebSocket connect(WebSocketClient client, int port, BlockingQueue<Object> received) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/chat?room=1").addHeader("host", "api.example.com");
    // the handlers are set on the event loop as the socket opens, so the node's greeting is not missed
    return client.connect(options).onSuccess(ws -> {
      ws.textMessageHandler(received::add);
      ws.binaryMessageHandler(received::add);
    }).await(10, TimeUnit.SECONDS);
  }

  @Test
  void thousandMessagesOfMixedSizesFlowBothWaysAndClosesReachTheOtherSide() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    WebSocketClient client = client();
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    WebSocket ws = connect(client, port, received);
    Object hello = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(hello, "the node's greeting, sent right after its 101, arrives");
    assertTrue(hello.toString().startsWith("hello from 127.0.0."), hello.toString());
    assertEquals(1, gateway.traffic().totals().openWebsockets());

    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      int size = i % 100 == 0 ? 1 << 20 : random.nextInt(i % 10 == 0 ? 64 * 1024 : 512) + 1;
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      if (i % 2 == 0) {
        ws.writeBinaryMessage(Buffer.buffer(bytes)).await(10, TimeUnit.SECONDS);
        Object echo = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(echo, "echo of message " + i);
        assertArrayEquals(bytes, ((Buffer) echo).getBytes(), "message " + i + " of " + size + " bytes");
      } else {
        String text = RawHttp.hex(bytes).substring(0, size);
        ws.writeTextMessage(text).await(10, TimeUnit.SECONDS);
        assertEquals(text, received.poll(10, TimeUnit.SECONDS), "message " + i);
      }
    }

    // a close from the client reaches the node with its status
    ws.close((short) 4001, "client leaves").await(10, TimeUnit.SECONDS);
    assertEquals((short) 4001, nodes.webSocketCloses().poll(10, TimeUnit.SECONDS));
    Poll.until(() -> gateway.traffic().totals().openWebsockets() == 0, 10, "the tunnel is counted closed");
    assertEquals(1, gateway.traffic().totals().websockets());

    // a close from the node reaches the client with its status
    WebSocket second = connect(client, port, received);
    received.poll(10, TimeUnit.SECONDS); // greeting
    CompletableFuture<Short> closedWith = new CompletableFuture<>();
    second.closeHandler(v -> closedWith.complete(second.closeStatusCode()));
    second.writeTextMessage("close-me");
    assertEquals((short) 4000, closedWith.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aClosedWebSocketGivesItsConnectionSlotBack() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes) + "limits:\n  maxConnectionsPerIp: 2\n", 1);
    WebSocketClient client = client();
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    for (int i = 0; i < 4; i++) { // more sessions than the address may hold at once, one after the other
      WebSocket ws = connect(client, port, received);
      assertNotNull(received.poll(10, TimeUnit.SECONDS), "the greeting of session " + i);
      ws.close().await(10, TimeUnit.SECONDS);
      assertNotNull(nodes.webSocketCloses().poll(10, TimeUnit.SECONDS));
      int n = i;
      Poll.until(() -> gateway.traffic().totals().openConnections() == 0, 10,
          "the connection of session " + n + " is counted closed");
    }
    assertEquals(200, RawHttp.get(port, "api.example.com", "/").status(), "the address is not locked out");
    assertEquals(0, gateway.traffic().totals().connectionsRefused());
  }

  @Test
  void aFrameSentWithTheHandshakeReachesTheNodeAfterThe101() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] mask = {1, 2, 3, 4};
      byte[] frame = {(byte) 0x81, (byte) 0x82, mask[0], mask[1], mask[2], mask[3], (byte) ('h' ^ mask[0]),
          (byte) ('i' ^ mask[1])}; // a masked text frame, "hi", in the same write as the handshake
      byte[] handshake = ("GET /chat HTTP/1.1\r\nHost: api.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      socket.getOutputStream().write(java.nio.ByteBuffer.allocate(handshake.length + frame.length).put(handshake)
          .put(frame).array());
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.readUnsignedByte());
      }
      assertTrue(head.toString().startsWith("HTTP/1.1 101 "), head.toString());
      List<String> texts = new java.util.ArrayList<>();
      while (!texts.contains("hi")) { // the node's greeting, then its echo of the frame (a read timeout fails)
        assertEquals(0x81, in.readUnsignedByte(), "an unmasked text frame from the node: " + texts);
        byte[] payload = new byte[in.readUnsignedByte()];
        in.readFully(payload);
        texts.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
      }
      assertTrue(texts.get(0).startsWith("hello from "), texts.toString());
    }
  }

  @Test
  void aNodeThatDiesMidWebSocketClosesTheClientSide() throws Exception {
    try (NodeProcesses processes = new NodeProcesses(dir, 1)) {
      processes.start(0, "serve");
      int port = Configs.freePort();
      startGateway("""
          listen:
            http: "127.0.0.1:%d"
          %s
          domains:
            - host: api.example.com
              nodePort: %d
              healthCheck: {interval: 1h}
          """.formatted(port, Configs.nodes(processes.addresses()), processes.port()), 1);
      BlockingQueue<Object> received = new LinkedBlockingQueue<>();
      WebSocket ws = connect(client(), port, received);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(null));
      ws.writeBinaryMessage(Buffer.buffer("ping"));
      assertEquals("ping", ((Buffer) received.poll(10, TimeUnit.SECONDS)).toString());

      processes.kill(0);
      closed.get(10, TimeUnit.SECONDS); // no hang: the client learns that its peer is gone
      Poll.until(() -> gateway.traffic().totals().openWebsockets() == 0, 10, "the tunnel is counted closed");
    }
  }

  @Test
  void aDrainTellsBothSidesOfAWebSocketToGoAwayInsteadOfHoldingTheStop() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes) + """
        shutdown:
          drain: 60s
        """, 1);
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    WebSocket ws = connect(client(), port, received);
    assertNotNull(received.poll(10, TimeUnit.SECONDS));
    CompletableFuture<Short> closedWith = new CompletableFuture<>();
    ws.closeHandler(v -> closedWith.complete(ws.closeStatusCode()));
    ws.writeTextMessage("still here");
    assertEquals("still here", received.poll(10, TimeUnit.SECONDS));

    gateway.drain().await(30, TimeUnit.SECONDS); // well before the 60 s drain: the WebSocket did not hold it
    assertEquals((short) 1001, closedWith.get(10, TimeUnit.SECONDS), "the client got Going Away");
    assertEquals((short) 1001, nodes.webSocketCloses().poll(10, TimeUnit.SECONDS), "so did the node");
  }

  @Test
  void anIdleWebSocketIsClosedAfterWebsocketIdle() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes) + """
        timeouts:
          idle: 200ms
          websocketIdle: 1500ms
        """, 1);
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    WebSocket ws = connect(client(), port, received);
    long opened = System.nanoTime();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(null));
    assertNotNull(received.poll(10, TimeUnit.SECONDS));
    closed.get(20, TimeUnit.SECONDS);
    long openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
    assertTrue(openMillis >= 1400, "open for " + openMillis + " ms: the HTTP idle timeout (200 ms) does not apply to it,"
        + " websocketIdle (1.5 s) does");
  }

  @Test
  void aNodeSwitchingProtocolsUnaskedIsABadGateway() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    RawHttp.Response r = RawHttp.get(port, "api.example.com", "/switch");
    assertEquals(502, r.status());
  }

  @Test
  void anUpgradeToAnythingButWebSocketIsNotForwarded() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    RawHttp.Response r;
    try (RawHttp c = new RawHttp(port)) {
      r = c.send("GET /echo HTTP/1.1\r\nHost: api.example.com\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA", null).read(false);
    }
    assertEquals(200, r.status(), "answered over HTTP/1.1, not switched");
    String echoed = r.text();
    assertTrue(!echoed.contains("\"upgrade\"") && !echoed.contains("http2-settings"), echoed);
  }

  @Test
  void anUpgradeTheNodeRefusesIsAnsweredAndItsConnectionClosed() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    try (RawHttp client = new RawHttp(port)) {
      // after a refused upgrade the bytes that follow could be meant for the other protocol: never read as HTTP
      client.write(("GET /ws-refused HTTP/1.1\r\nHost: api.example.com\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      RawHttp.Response r = client.read(false);
      assertEquals(403, r.status());
      assertEquals("close", r.header("connection"));
      assertTrue(client.closedByServer());
    }
  }
}
