package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import java.nio.charset.StandardCharsets;
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

  /** A request over a new connection to the gateway on [::1], from a trusted proxy on ::1 naming {@code client}. */
  private static int viaIpv6Proxy(int port, String client) throws Exception {
    try (RawHttp proxy = RawHttp.to("::1", port)) {
      return proxy.send("GET / HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: " + client, null).read(false)
          .status();
    }
  }

  @Test
  void theAddressesOfOneIpv6Slash64ShareARateLimit() throws Exception {
    int port = Configs.freePort();
    startGateway("""
        listen:
          http: "[::1]:%d"
        trustedProxies: ["::1"]
        %s
        domains:
          - host: api.example.com
            nodePort: %d
            rateLimit: {requests: 1, per: 1h, burst: 2}
        """.formatted(port, Configs.nodes(nodes), nodes.port()), 1);
    assertEquals(200, viaIpv6Proxy(port, "2001:db8:1:2::1"));
    assertEquals(200, viaIpv6Proxy(port, "2001:db8:1:2::2"));
    assertEquals(429, viaIpv6Proxy(port, "2001:db8:1:2:ffff::3"), "a third address of the /64: its budget is spent");
    assertEquals(429, viaIpv6Proxy(port, "2001:db8:1:2:abcd:0:0:4"));
    assertEquals(200, viaIpv6Proxy(port, "2001:db8:1:3::1"), "another /64 is another client");
    assertEquals(200, viaIpv6Proxy(port, "192.0.2.1"));
    assertEquals(200, viaIpv6Proxy(port, "192.0.2.2"), "IPv4 clients are one per address");
    assertEquals(200, viaIpv6Proxy(port, "::ffff:192.0.2.1"));
    assertEquals(429, viaIpv6Proxy(port, "192.0.2.1"), "an IPv4-mapped address is its IPv4 client");
  }

  @Test
  void theAddressesOfOneIpv6Slash64ShareMaxConnectionsPerIp() throws Exception {
    int port = Configs.freePort();
    startGateway("""
        listen:
          http: "[::1]:%d"
          proxyProtocol: true
          proxyProtocolFrom: ["::1"]
        limits:
          maxConnectionsPerIp: 2
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(port, Configs.nodes(nodes), nodes.port()), 1);
    try (RawHttp first = proxied(port, "2001:db8:1:2::1"); RawHttp second = proxied(port, "2001:db8:1:2::2")) {
      assertEquals(200, first.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      assertEquals(200, second.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      try (RawHttp third = proxied(port, "2001:db8:1:2:ffff::3")) {
        third.send("GET / HTTP/1.1\r\nHost: api.example.com", null);
        assertTrue(third.closedByServer(), "a third connection from the /64 is closed at once");
      }
      try (RawHttp other = proxied(port, "2001:db8:1:3::1")) {
        assertEquals(200, other.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status(),
            "another /64 has its own connections");
      }
    }
    assertEquals(1L, gateway.traffic().totals().connectionsRefused());
  }

  /** A connection to the gateway on [::1] whose PROXY header names {@code client}. */
  private static RawHttp proxied(int port, String client) throws Exception {
    RawHttp c = RawHttp.to("::1", port);
    c.write(("PROXY TCP6 " + client + " ::1 40000 80\r\n").getBytes(StandardCharsets.US_ASCII));
    return c;
  }
}
