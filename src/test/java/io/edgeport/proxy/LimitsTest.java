package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What one client may hold: a slow head, a stalled body, requests on one connection. */
class LimitsTest extends LiveNodesTest {

  private int start(String limits) throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes) + "limits:\n" + limits.indent(2), 1);
    return port;
  }

  @Test
  void aSlowlorisClientIsCutOffAtTheHeaderTimeoutWhileOthersAreServed() throws Exception {
    int port = start("headerTimeout: 1s");
    byte[] head = "GET / HTTP/1.1\r\nHost: api.example.com\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    NetSocket slow = vertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    Buffer answer = Buffer.buffer();
    CompletableFuture<Long> closedAfter = new CompletableFuture<>();
    long started = System.nanoTime();
    slow.handler(answer::appendBuffer);
    slow.closeHandler(v -> closedAfter.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    // the slow client: one byte every 100 ms, never a whole head (at most 100 bytes: 10 s of it)
    int[] sent = {0};
    long pace = vertx.setPeriodic(100, id -> {
      if (sent[0] < 100 && !closedAfter.isDone()) {
        slow.write(Buffer.buffer(new byte[] {sent[0] < head.length ? head[sent[0]] : (byte) 'a'}));
        sent[0]++;
      }
    });
    try {
      assertEquals(200, RawHttp.get(port, "api.example.com", "/").status(), "others are served meanwhile");
      long heldMillis = closedAfter.get(20, TimeUnit.SECONDS);
      assertTrue(answer.toString().startsWith("HTTP/1.1 408 "), answer.toString());
      assertTrue(heldMillis >= 900 && heldMillis < 8000, "held for " + heldMillis + " ms with a 1 s header timeout");
    } finally {
      vertx.cancelTimer(pace);
    }
    assertEquals(1L, gateway.traffic().totals().refused().get(408));
  }

  @Test
  void aClientThatStallsMidBodyIsCutOffAtTheBodyTimeout() throws Exception {
    int port = start("bodyTimeout: 1s");
    try (RawHttp client = new RawHttp(port)) {
      long started = System.nanoTime();
      client.write(("POST /upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 10\r\n\r\n12345")
          .getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response r = client.read(false); // blocks until the gateway gives up on the other 5 bytes
      assertEquals(408, r.status());
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(heldMillis >= 900, "held for " + heldMillis + " ms with a 1 s body timeout");
      assertTrue(client.closedByServer());
    }
  }

  @Test
  void theLastRequestAConnectionMayCarrySaysConnectionClose() throws Exception {
    int port = start("maxRequestsPerConnection: 3");
    try (RawHttp client = new RawHttp(port)) {
      for (int i = 1; i <= 3; i++) {
        client.send("GET /" + i + " HTTP/1.1\r\nHost: api.example.com", null);
        RawHttp.Response r = client.read(false);
        assertEquals(200, r.status());
        if (i < 3) {
          assertNull(r.header("connection"), "request " + i);
        } else {
          assertEquals("close", r.header("connection"));
        }
      }
      assertTrue(client.closedByServer());
    }
  }

  @Test
  void connectionsOverThePerAddressLimitAreClosedAndAFreedSlotIsTakenAgain() throws Exception {
    int port = start("maxConnectionsPerIp: 2");
    try (RawHttp first = new RawHttp(port, "127.0.0.30"); RawHttp second = new RawHttp(port, "127.0.0.30")) {
      assertEquals(200, first.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      assertEquals(200, second.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      try (RawHttp third = new RawHttp(port, "127.0.0.30")) {
        assertTrue(third.closedByServer(), "a third from the same address is closed at once");
      }
      try (RawHttp other = new RawHttp(port, "127.0.0.31")) {
        assertEquals(200, other.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      }
    }
    assertEquals(1L, gateway.traffic().totals().connectionsRefused());
    io.edgeport.support.Poll.until(() -> {
      try (RawHttp again = new RawHttp(port, "127.0.0.30")) {
        return again.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status() == 200;
      } catch (java.io.IOException e) {
        return false;
      }
    }, 10, "once the first two closed, the address may connect again");
  }

  @Test
  void aWebSocketOnTheLastRequestAConnectionMayCarryStaysOpen() throws Exception {
    int port = start("maxRequestsPerConnection: 1");
    java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
    io.vertx.core.http.WebSocket ws = vertx.createWebSocketClient().connect(new io.vertx.core.http.WebSocketConnectOptions()
            .setHost("127.0.0.1").setPort(port).setURI("/ws").addHeader("host", "api.example.com"))
        .onSuccess(w -> w.textMessageHandler(received::add)).await(10, TimeUnit.SECONDS);
    assertTrue(received.poll(10, TimeUnit.SECONDS).startsWith("hello from"));
    ws.writeTextMessage("still open");
    assertEquals("still open", received.poll(10, TimeUnit.SECONDS), "the 101 is not the connection's last answer");
  }
}
