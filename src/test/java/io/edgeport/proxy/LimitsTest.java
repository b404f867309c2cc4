package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import java.nio.charset.StandardCharsets;
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
    try (RawHttp slow = new RawHttp(port)) {
      long started = System.nanoTime();
      byte[] head = "GET / HTTP/1.1\r\nHost: api.example.com\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
      // one byte every 100 ms, never a whole head, until the gateway answers (bounded: 10 s of it)
      for (int i = 0; i < 100 && slow.available() == 0; i++) {
        try {
          slow.write(new byte[] {i < head.length ? head[i] : (byte) 'a'});
        } catch (java.io.IOException e) {
          break; // closed: its answer is already there to read
        }
        if (i == 3) {
          assertEquals(200, RawHttp.get(port, "api.example.com", "/").status(), "others are served meanwhile");
        }
        Thread.sleep(100); // the slow client's pace, not a synchronisation
      }
      RawHttp.Response r = slow.read(false);
      assertEquals(408, r.status());
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(heldMillis >= 900 && heldMillis < 8000, "held for " + heldMillis + " ms with a 1 s header timeout");
      assertTrue(slow.closedByServer());
    }
    assertEquals(1L, gateway.traffic().snapshot().refused().get(408));
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
    assertEquals(1L, gateway.traffic().snapshot().connectionsRefused());
    io.edgeport.support.Poll.until(() -> {
      try (RawHttp again = new RawHttp(port, "127.0.0.30")) {
        return again.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status() == 200;
      } catch (java.io.IOException e) {
        return false;
      }
    }, 10, "once the first two closed, the address may connect again");
  }
}
