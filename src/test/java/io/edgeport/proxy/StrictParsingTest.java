package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ambiguous or malformed HTTP/1.x requests over a raw socket: each gets its status, its connection
 * closed, and no node sees anything of it.
 */
class StrictParsingTest extends LiveNodesTest {
  private static final String HOST = "Host: api.example.com\r\n";

  /** Request bytes → the status they must get. */
  static Map<String, Integer> cases() {
    Map<String, Integer> c = new LinkedHashMap<>();
    c.put("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    c.put("GET / HTTP/1.1\r\n" + HOST + "Host: evil.example.com\r\n\r\n", 400);
    c.put("GET / HTTP/1.1\r\n\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: gzip\r\n\r\nabc", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400);
    c.put("POST / HTTP/1.0\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400);
    c.put("GET / HTTP/1.1\r\nHost : api.example.com\r\n\r\n", 400);
    c.put("GET / HTTP/1.1\r\n" + HOST + "X-A: a\u0000b\r\n\r\n", 400);
    c.put("GET / HTTP/1.1\r\n" + HOST + "X-A: a\u0001b\r\n\r\n", 400);
    c.put("GET / HTTP/1.1\r\n" + HOST + "X(A): a\r\n\r\n", 400);
    c.put("GARBAGE\r\n\r\n", 400);
    c.put("GET / HTTP/1.1\n" + "Host: api.example.com\n\n", 400);
    c.put("GET / HTTP/1.1\r\n" + HOST + "X-A: a\r\n b\r\n\r\n", 400); // obs-fold
    c.put("GET / HTTP/9.9\r\n" + HOST + "\r\n", 505);
    c.put("GET / HTTP/2.0\r\n" + HOST + "\r\n", 505);
    c.put("GET / HTTX/1.1\r\n" + HOST + "\r\n", 400);
    c.put("GET  / HTTP/1.1\r\n" + HOST + "\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n2;\u0001\r\nab\r\n0\r\n\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Content-Length: -1\r\n\r\n", 400);
    c.put("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 1e3\r\n\r\n", 400);
    c.put("GET / HTTP/1.1\r\n" + HOST + "X-A: " + "a".repeat(40_000) + "\r\n\r\n", 431);
    c.put("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + HOST + "\r\n", 414);
    return c;
  }

  @Test
  void eachAmbiguousRequestIsRefusedItsConnectionClosedAndNothingForwarded() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    for (Map.Entry<String, Integer> c : cases().entrySet()) {
      String shown = c.getKey().replace("\r", "\\r").replace("\n", "\\n");
      shown = shown.substring(0, Math.min(120, shown.length()));
      try (RawHttp client = new RawHttp(port)) {
        client.write(c.getKey().getBytes(StandardCharsets.ISO_8859_1));
        RawHttp.Response r = client.read(false);
        assertEquals((int) c.getValue(), r.status(), shown);
        assertFalse(r.text().contains("evil") || r.text().contains("\u0000"), "no echo of the request: " + r.text());
        assertTrue(client.closedByServer(), "closed after: " + shown);
      }
      assertFalse(nodes.awaitRequest(0), "a node saw: " + shown);
    }
    // and a good request on a fresh connection is served
    assertEquals(200, RawHttp.get(port, "api.example.com", "/").status());
  }

  @Test
  void anUnsupportedVersionGets505InAnHttp11StatusLine() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write("GET / HTTP/9.9\r\nHost: api.example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(reply.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), reply);
    }
  }

  @Test
  void aTargetOfExactlyTheLimitIsServedAndOneByteMoreGets414FromTheStrictReader() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    String target = "/" + "a".repeat(8191); // 8 KiB: the limit, not over it
    for (String method : new String[] {"GET", "OPTIONS"}) { // the whole line is longer than the target
      try (RawHttp client = new RawHttp(port)) {
        client.write((method + " " + target + " HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.US_ASCII));
        RawHttp.Response r = client.read(false);
        assertEquals(200, r.status(), method + ": " + r.text());
      }
    }
    try (RawHttp client = new RawHttp(port)) {
      client.write(("GET " + target + "a HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response r = client.read(false);
      assertEquals(414, r.status());
      assertTrue(r.text().startsWith("414 "), "the strict reader's answer, not the codec's empty one: " + r.text());
    }
  }

  @Test
  void validTrafficStillFlowsChunkedPipelinedAndKeptAlive() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    try (RawHttp client = new RawHttp(port)) {
      // two pipelined requests in one write, the first with a chunked body (with an extension and a trailer)
      client.write(("POST /a HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n"
          + "3;name=value\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"
          + "GET /b HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response first = client.read(false);
      assertEquals(200, first.status());
      assertTrue(first.text().contains("\"bodyBytes\":3"), first.text());
      assertEquals(200, client.read(false).status());
      // a body cut into many writes, then one more request on the same connection
      client.write(("PUT /c HTTP/1.1\r\n" + HOST + "Content-Length: 10\r\n\r\n12345").getBytes(StandardCharsets.US_ASCII));
      client.write("67890".getBytes(StandardCharsets.US_ASCII));
      assertTrue(client.read(false).text().contains("\"bodyBytes\":10"));
      client.write(("GET /d HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, client.read(false).status());
    }
  }

  @Test
  void anUpgradeAnsweredWithoutA101LeavesTheConnectionReadAsStrictly() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    String webSocket = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    // upgrade requests the gateway answers without switching: a node's 200 to an unknown upgrade, its own 404,
    // and an HTTP/1.0 one (no WebSocket there) kept alive
    Map<String, Integer> upgrades = new LinkedHashMap<>();
    upgrades.put("GET /a HTTP/1.1\r\n" + HOST + "Upgrade: foo\r\n\r\n", 200);
    upgrades.put("GET /a HTTP/1.1\r\nHost: unknown.example.com\r\n" + webSocket, 404);
    upgrades.put("GET /a HTTP/1.0\r\n" + HOST + "Connection: keep-alive\r\nUpgrade: websocket\r\n\r\n", 200);
    Map<String, Integer> refused = new LinkedHashMap<>();
    refused.put("GET / HTTP/1.1\r\n" + HOST + "X-A: a\r\n b\r\n\r\n", 400);
    refused.put("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    refused.put("GET / HTTP/1.1\r\n" + HOST + "Host: evil.example.com\r\n\r\n", 400);
    refused.put("GET / HTTP/1.1\r\n" + HOST + "X-A: " + "a".repeat(40_000) + "\r\n\r\n", 431);
    for (Map.Entry<String, Integer> upgrade : upgrades.entrySet()) {
      for (Map.Entry<String, Integer> bad : refused.entrySet()) {
        for (boolean pipelined : new boolean[] {false, true}) {
          String shown = (pipelined ? "pipelined: " : "") + (upgrade.getKey() + bad.getKey()).replace("\r\n", "|");
          shown = shown.substring(0, Math.min(200, shown.length()));
          try (RawHttp client = new RawHttp(port)) {
            byte[] first = upgrade.getKey().getBytes(StandardCharsets.ISO_8859_1);
            byte[] second = bad.getKey().getBytes(StandardCharsets.ISO_8859_1);
            if (pipelined) {
              client.write(java.nio.ByteBuffer.allocate(first.length + second.length).put(first).put(second).array());
            } else {
              client.write(first);
            }
            assertEquals((int) upgrade.getValue(), client.read(false).status(), shown);
            if (upgrade.getValue() == 200) {
              assertTrue(nodes.awaitRequest(10), shown);
            }
            if (!pipelined) {
              client.write(second);
              assertEquals((int) bad.getValue(), client.read(false).status(), shown);
            } else {
              try { // refused as the first is answered: after that answer, its status (when it is out) or a close
                assertEquals((int) bad.getValue(), client.read(false).status(), shown);
              } catch (java.io.IOException closed) {
                // closed after the first answer
              }
            }
            assertTrue(client.closedByServer(), shown);
          }
          assertFalse(nodes.awaitRequest(0), "a node saw: " + shown);
        }
      }
    }
    // every one refused, pipelined or not (a pipelined head over the limit may already be over the limit of what
    // is held until the upgrade request is answered: a 400 then)
    Map<Integer, Long> counted = gateway.traffic().totals().refused();
    assertEquals(upgrades.size() * 2L * refused.size(), counted.get(400) + counted.get(431), counted.toString());
    assertTrue(counted.get(431) >= upgrades.size(), counted.toString());
  }

  @Test
  void anEmptyLineAfterABodyIsIgnored() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    try (RawHttp client = new RawHttp(port)) {
      // RFC 9112 §2.2: a CRLF after a body (as some clients send) is an empty line before the next request
      client.write(("POST /a HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
      RawHttp.Response first = client.read(false);
      assertEquals(200, first.status());
      assertTrue(first.text().contains("\"bodyBytes\":5"), first.text());
      client.write(("\r\nGET /b HTTP/1.1\r\n" + HOST + "\r\n"
          + "PUT /c HTTP/1.1\r\n" + HOST + "Content-Length: 2\r\n\r\nab\r\n"
          + "GET /d HTTP/1.1\r\n" + HOST + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (String path : new String[] {"/b", "/c", "/d"}) {
        RawHttp.Response r = client.read(false);
        assertEquals(200, r.status(), path);
        assertTrue(r.text().contains("\"uri\":\"" + path + "\""), r.text());
      }
    }
    assertEquals(0L, gateway.traffic().totals().refused().get(400));
  }

  @Test
  void aRefusedRequestAfterAGoodPipelinedOneDoesNotCorruptItsResponse() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes), 1);
    try (RawHttp client = new RawHttp(port)) {
      client.write(("GET /slow?ms=300 HTTP/1.1\r\n" + HOST + "\r\n"
          + "GET / HTTP/1.1\r\n" + HOST + "X-A: a\r\n b\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Response first = client.read(false);
      assertEquals(200, first.status(), "the good request is answered whole");
      assertTrue(client.closedByServer(), "then the connection closes");
    }
    assertEquals(1.0, gateway.traffic().totals().refused().get(400), 0.0);
  }
}
