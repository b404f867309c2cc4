package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TcpClients;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plain listener that also takes HTTP/2 with prior knowledge ({@code listen.h2c: true}) holds an HTTP/1.x
 * connection to the same rules as any listener, from its first byte, and counts every connection from its
 * opening: Vert.x tells the protocols apart only at the first bytes, and sets an HTTP/1 connection up only
 * once its first request is decoded.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class H2cListenerTest extends LiveNodesTest {
  private static final String HOST = "Host: api.example.com\r\n";

  /** @param limits the {@code limits:} section's lines, or "" */
  private int start(String limits) throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes).replace("listen:\n", "listen:\n  h2c: true\n")
        + (limits.isEmpty() ? "" : "limits:\n" + limits.indent(2)), 1);
    return port;
  }

  @Test
  void theFirstRequestOfAConnectionIsReadAsStrictlyAsTheNext() throws Exception {
    int port = start("");
    for (Map.Entry<String, Integer> c : StrictParsingTest.cases().entrySet()) {
      String shown = c.getKey().replace("\r\n", "|");
      shown = shown.substring(0, Math.min(120, shown.length()));
      try (RawHttp client = new RawHttp(port)) {
        client.write(c.getKey().getBytes(StandardCharsets.ISO_8859_1));
        assertEquals((int) c.getValue(), client.read(false).status(), shown);
        assertTrue(client.closedByServer(), shown);
      }
      assertFalse(nodes.awaitRequest(0), "a node saw: " + shown);
    }
    // after a good request: refused too, and the refusal is not taken for a response still under way (it would be
    // if the first request had not been counted); a body refused once its head went on may have reached a node, as
    // on any listener
    for (Map.Entry<String, Integer> c : StrictParsingTest.cases().entrySet()) {
      String shown = "after a good one: " + c.getKey().replace("\r\n", "|");
      shown = shown.substring(0, Math.min(120, shown.length()));
      try (RawHttp client = new RawHttp(port)) {
        assertEquals(200, client.send("GET /good HTTP/1.1\r\n" + HOST.strip(), null).read(false).status());
        client.write(c.getKey().getBytes(StandardCharsets.ISO_8859_1));
        assertEquals((int) c.getValue(), client.read(false).status(), shown);
        assertTrue(client.closedByServer(), shown);
      }
    }
    // every refusal the strict reader's
    Map<Integer, Long> refused = gateway.traffic().totals().refused();
    long expected = 2L * StrictParsingTest.cases().size();
    assertEquals(expected, refused.values().stream().mapToLong(Long::longValue).sum(), refused.toString());
  }

  @Test
  void aSlowFirstHeadIsCutOffAtTheHeaderTimeout() throws Exception {
    int port = start("headerTimeout: 1s");
    byte[] head = ("GET / HTTP/1.1\r\n" + HOST + "X-Slow: " + "a".repeat(100)).getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    long started = System.nanoTime();
    try (Socket slow = TcpClients.connect("127.0.0.1", port)) {
      slow.setSoTimeout(100); // the pace: a byte, then up to 100 ms waiting for the gateway's answer
      byte[] buf = new byte[1024];
      drip:
      for (byte b : head) { // at most about 15 s of it
        try {
          slow.getOutputStream().write(b);
        } catch (IOException closed) {
          break;
        }
        try {
          for (int n = slow.getInputStream().read(buf); ; n = slow.getInputStream().read(buf)) {
            if (n < 0) {
              break drip;
            }
            answer.write(buf, 0, n);
          }
        } catch (SocketTimeoutException quiet) {
          // nothing yet: the next byte
        } catch (IOException reset) {
          break;
        }
      }
    }
    long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(answer.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408 "), answer.toString());
    assertTrue(heldMillis >= 900 && heldMillis < 8000, "held for " + heldMillis + " ms with a 1 s header timeout");
    assertEquals(1L, gateway.traffic().totals().refused().get(408));
  }

  @Test
  void connectionsThatSentNothingYetCountAgainstThePerAddressLimit() throws Exception {
    int port = start("maxConnectionsPerIp: 2");
    try (RawHttp silent = new RawHttp(port, "127.0.0.30"); RawHttp preface = new RawHttp(port, "127.0.0.30")) {
      // one sends nothing, the other only the HTTP/2 preface (no SETTINGS: Vert.x has no connection yet)
      preface.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Poll.until(() -> gateway.traffic().totals().openConnections() == 2, 10, "both counted as they open");
      try (RawHttp third = new RawHttp(port, "127.0.0.30")) {
        assertTrue(third.closedByServer(), "a third from the same address is closed at once");
      }
      try (RawHttp other = new RawHttp(port, "127.0.0.31")) {
        assertEquals(200, other.send("GET / HTTP/1.1\r\n" + HOST.strip(), null).read(false).status());
      }
    }
    assertEquals(1L, gateway.traffic().totals().connectionsRefused());
    Poll.until(() -> gateway.traffic().totals().openConnections() == 0, 10, "every slot given back on close");
  }

  @Test
  void http2ByPriorKnowledgeOrByUpgradeStillWorksBesideTheStrictReader() throws Exception {
    int port = start("maxConnectionsPerIp: 1");
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost("api.example.com").setPort(port)
        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"));
    for (boolean upgrade : new boolean[] {false, true}) {
      // an upgrade (Upgrade: h2c on the first request, as curl --http2 sends it) is answered with a 101 by Vert.x
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(upgrade));
      for (String path : new String[] {"/first", "/second"}) { // the second on the same connection
        HttpClientResponse r = client.request(get.setURI(path)).compose(req -> req.send())
            .compose(res -> res.body().map(res)).await(20, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), path);
        assertEquals(HttpVersion.HTTP_2, r.version(), (upgrade ? "upgrade " : "prior knowledge ") + path);
      }
      client.close().await(10, TimeUnit.SECONDS);
      Poll.until(() -> gateway.traffic().totals().openConnections() == 0, 10, "the connection closed");
    }
    try (RawHttp again = new RawHttp(port)) {
      assertEquals(200, again.send("GET / HTTP/1.1\r\n" + HOST.strip(), null).read(false).status(),
          "the address's one slot was given back each time");
    }
    assertEquals(3L, gateway.traffic().totals().connections(), "one connection each");
  }
}
