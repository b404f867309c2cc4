package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import org.junit.jupiter.api.Test;

/** Per-domain allow/deny and rate limits, with clients on their own loopback addresses. */
class ClientRulesEndToEndTest extends LiveNodesTest {

  private static int status(int port, String from, String host) throws Exception {
    try (RawHttp client = new RawHttp(port, from)) {
      return client.send("GET / HTTP/1.1\r\nHost: " + host, null).read(false).status();
    }
  }

  @Test
  void allowDenyAndRateLimitAnswer403And429AndTheLimitRecovers() throws Exception {
    int port = Configs.freePort();
    startGateway("""
        listen:
          http: "127.0.0.1:%d"
        %s
        domains:
          - host: admin.example.com
            nodePort: %d
            allow: ["127.0.0.0/24"]
            deny: ["127.0.0.9/32"]
          - host: api.example.com
            nodePort: %d
            rateLimit: {requests: 2, per: 1s, burst: 3}
        """.formatted(port, Configs.nodes(nodes), nodes.port(), nodes.port()), 1);
    assertEquals(200, status(port, "127.0.0.1", "admin.example.com"));
    assertEquals(403, status(port, "127.0.0.9", "admin.example.com"), "denied");
    assertEquals(403, status(port, "127.0.1.1", "admin.example.com"), "not in allow");

    int passed = 0;
    RawHttp.Response limited = null;
    try (RawHttp client = new RawHttp(port, "127.0.0.20")) {
      for (int i = 0; i < 10 && limited == null; i++) {
        RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false);
        if (r.status() == 429) {
          limited = r;
        } else {
          assertEquals(200, r.status());
          passed++;
        }
      }
    }
    assertTrue(passed >= 3 && limited != null, passed + " passed before a 429 (burst 3)");
    assertTrue(Integer.parseInt(limited.header("retry-after")) >= 1, "Retry-After: " + limited.header("retry-after"));
    assertEquals(200, status(port, "127.0.0.21", "api.example.com"), "another client is not limited");
    Poll.until(() -> {
      try {
        return status(port, "127.0.0.20", "api.example.com") == 200;
      } catch (Exception e) {
        return false;
      }
    }, 10, "the limited client recovers at the sustained rate");
  }

  @Test
  void aBodyOverMaxBodyBytesIs413WhetherDeclaredOrChunked() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes) + "    maxBodyBytes: 1KiB\n", 1);
    try (RawHttp client = new RawHttp(port)) {
      RawHttp.Response r = client.send("POST / HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 2000", null)
          .read(false);
      assertEquals(413, r.status());
      assertTrue(client.closedByServer(), "its body is unread: the connection closes");
    }
    assertEquals(false, nodes.awaitRequest(0), "a declared length over the limit never reaches a node");
    try (RawHttp client = new RawHttp(port)) {
      String chunk = "a".repeat(600);
      client.write(("POST / HTTP/1.1\r\nHost: api.example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      assertEquals(413, client.read(false).status(), "counted as it streams: 1,200 bytes > 1 KiB");
      assertTrue(client.closedByServer());
    }
    try (RawHttp client = new RawHttp(port)) {
      RawHttp.Response r = client.send("POST / HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 1000",
          "x".repeat(1000).getBytes(java.nio.charset.StandardCharsets.US_ASCII)).read(false);
      assertEquals(200, r.status(), "within the limit");
    }
  }
}
