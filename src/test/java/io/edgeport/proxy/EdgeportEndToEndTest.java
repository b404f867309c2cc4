package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.Edgeport;
import io.edgeport.support.Configs;
import io.edgeport.support.RawHttp;
import io.edgeport.support.RawHttp.Response;
import io.edgeport.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway with real sockets: nodes on 127.0.0.2-4, requests with Host headers, byte-level checks. */
class EdgeportEndToEndTest {
  static final int WORKERS = 2;

  @TempDir
  static Path dir;

  static Vertx vertx;
  static TestNodes nodes;
  static TestNodes otherService; // a second nodePort
  static Edgeport gateway;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    nodes = TestNodes.start(vertx, 3);
    otherService = TestNodes.start(vertx, 3);
    gateway = startGateway("""
        listen:
          http: "127.0.0.1:0"
        %s
        domains:
          - host: api.example.com
            nodePort: %d
          - host: "*.apps.example.com"
            nodePort: %d
          - host: shop.example.com
            paths:
              - prefix: /api
                nodePort: %d
              - prefix: /
                nodePort: %d
        """.formatted(Configs.nodes(nodes), nodes.port(), otherService.port(), otherService.port(), nodes.port()));
  }

  static Edgeport startGateway(String yaml) throws Exception {
    return Edgeport.start(vertx, Configs.load(dir, yaml), WORKERS).await(20, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close().await(10, TimeUnit.SECONDS);
    nodes.close();
    otherService.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static JsonObject echo(Response r) {
    assertEquals(200, r.status(), () -> "status " + r.status() + ": " + r.text());
    return new JsonObject(r.text());
  }

  /** The request headers the node received, name (lower case) → values. */
  static Map<String, List<String>> received(JsonObject echo) {
    Map<String, List<String>> out = new HashMap<>();
    for (Object o : echo.getJsonArray("headers")) {
      JsonArray h = (JsonArray) o;
      out.computeIfAbsent(h.getString(0), k -> new ArrayList<>()).add(h.getString(1));
    }
    return out;
  }

  static Response get(String host, String target) throws Exception {
    return RawHttp.get(gateway.port(), host, target);
  }

  // ------------------------------------------------------------------ routing

  @Test
  void spreadsRequestsOverAllNodesRoundRobin() throws Exception {
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      perNode.merge(echo(get("api.example.com", "/")).getString("node"), 1, Integer::sum);
    }
    assertEquals(Map.of("127.0.0.2", 10, "127.0.0.3", 10, "127.0.0.4", 10), perNode);
  }

  @Test
  void hostIsMatchedCaseInsensitivelyIgnoringPortAndTrailingDot() throws Exception {
    assertEquals(nodes.port(), echo(get("API.Example.COM.:8080", "/")).getInteger("port"));
  }

  @Test
  void unknownHostIpLiteralAndMissingHostAreNotForwarded() throws Exception {
    Response unknown = get("unknown.example.com", "/");
    assertEquals(404, unknown.status());
    assertEquals("text/plain; charset=utf-8", unknown.header("content-type"));
    assertTrue(unknown.text().length() < 64, unknown.text());
    assertEquals(404, get("127.0.0.2", "/").status());
    assertEquals(404, get("127.0.0.2:" + nodes.port(), "/").status());
    assertEquals(404, get("[::1]", "/").status());
    try (RawHttp c = new RawHttp(gateway.port())) {
      int status = c.send("GET / HTTP/1.1", null).read(false).status();
      assertTrue(status == 400 || status == 404, "no Host: " + status);
    }
  }

  @Test
  void absoluteFormAuthorityWinsOverHost() throws Exception {
    try (RawHttp c = new RawHttp(gateway.port())) {
      Response foreign = c.send("GET http://evil.example.net/steal HTTP/1.1\r\nHost: api.example.com", null).read(false);
      assertEquals(404, foreign.status(), "a configured Host must not carry a foreign absolute-form authority");
    }
    try (RawHttp c = new RawHttp(gateway.port())) {
      JsonObject e = echo(c.send("GET http://api.example.com/x?q=1 HTTP/1.1\r\nHost: other.example.org", null).read(false));
      assertEquals("/x?q=1", e.getString("uri"), "forwarded in origin form");
      assertEquals(List.of("api.example.com"), received(e).get("host"));
    }
  }

  @Test
  void wildcardCoversExactlyOneExtraLabel() throws Exception {
    assertEquals(otherService.port(), echo(get("shop1.apps.example.com", "/")).getInteger("port"));
    assertEquals(404, get("apps.example.com", "/").status());
    assertEquals(404, get("a.b.apps.example.com", "/").status());
  }

  @Test
  void pathsMatchElementWiseLongestPrefixFirst() throws Exception {
    int api = otherService.port();
    int rest = nodes.port();
    assertEquals(api, echo(get("shop.example.com", "/api")).getInteger("port"));
    assertEquals(api, echo(get("shop.example.com", "/api/")).getInteger("port"));
    assertEquals(api, echo(get("shop.example.com", "/api/x?y=1")).getInteger("port"));
    assertEquals(rest, echo(get("shop.example.com", "/apix")).getInteger("port"));
    assertEquals(rest, echo(get("shop.example.com", "/")).getInteger("port"));
    // matched on the normalized path, forwarded as sent
    JsonObject encoded = echo(get("shop.example.com", "/%61pi/v1"));
    assertEquals(api, encoded.getInteger("port"));
    assertEquals("/%61pi/v1", encoded.getString("uri"));
    assertEquals(api, echo(get("shop.example.com", "//api/v1")).getInteger("port"));
    assertEquals(rest, echo(get("shop.example.com", "/api/../admin")).getInteger("port"));
  }

  // ------------------------------------------------------------------ what passes through

  @Test
  void methodTargetHeadersAndHostPassUnchanged() throws Exception {
    String target = "/a%20b/c%2Fd?x=1&y=%2F&z=%E2%9C%93";
    try (RawHttp c = new RawHttp(gateway.port())) {
      JsonObject e = echo(c.send("DELETE " + target + " HTTP/1.1\r\nHost: api.example.com:8443\r\n"
          + "X-Custom: one\r\nX-Custom: two\r\nCookie: a=b", null).read(false));
      assertEquals("DELETE", e.getString("method"));
      assertEquals(target, e.getString("uri"));
      Map<String, List<String>> h = received(e);
      assertEquals(List.of("api.example.com:8443"), h.get("host"));
      assertEquals(List.of("one", "two"), h.get("x-custom"));
      assertEquals(List.of("a=b"), h.get("cookie"));
    }
  }

  @Test
  void responseStatusAndHeadersPassUnchanged() throws Exception {
    Response r = get("api.example.com", "/hop");
    assertEquals(200, r.status());
    assertEquals("kept", r.header("x-end-to-end"));
    assertNotNull(r.header("x-node"));
  }

  @Test
  void clientCannotSpoofForwardedHeaders() throws Exception {
    try (RawHttp c = new RawHttp(gateway.port())) {
      Map<String, List<String>> h = received(echo(c.send("GET / HTTP/1.1\r\nHost: api.example.com\r\n"
          + "X-Forwarded-For: 203.0.113.66\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n"
          + "X-Forwarded-Port: 1\r\nX-Forwarded-Server: evil\r\nForwarded: for=203.0.113.66", null).read(false)));
      assertEquals(List.of("127.0.0.1"), h.get("x-forwarded-for"));
      assertEquals(List.of("http"), h.get("x-forwarded-proto"));
      assertEquals(List.of("api.example.com"), h.get("x-forwarded-host"));
      assertEquals(List.of(String.valueOf(gateway.port())), h.get("x-forwarded-port"));
      assertNull(h.get("x-forwarded-server"));
      assertNull(h.get("forwarded"));
    }
  }

  @Test
  void trustedProxiesHaveTheirForwardedHeadersKeptAndAppendedTo() throws Exception {
    Edgeport trusting = startGateway("""
        listen:
          http: "127.0.0.1:0"
        trustedProxies: ["127.0.0.7/32"]
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(Configs.nodes(nodes), nodes.port()));
    try {
      String spoof = "GET / HTTP/1.1\r\nHost: api.example.com\r\nX-Forwarded-For: 203.0.113.9\r\n"
          + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: www.example.com";
      try (RawHttp fromProxy = new RawHttp(trusting.port(), "127.0.0.7")) {
        Map<String, List<String>> h = received(echo(fromProxy.send(spoof, null).read(false)));
        assertEquals(List.of("203.0.113.9, 127.0.0.7"), h.get("x-forwarded-for"));
        assertEquals(List.of("https"), h.get("x-forwarded-proto"));
        assertEquals(List.of("www.example.com"), h.get("x-forwarded-host"));
      }
      try (RawHttp fromElsewhere = new RawHttp(trusting.port(), "127.0.0.8")) {
        Map<String, List<String>> h = received(echo(fromElsewhere.send(spoof, null).read(false)));
        assertEquals(List.of("127.0.0.8"), h.get("x-forwarded-for"));
        assertEquals(List.of("http"), h.get("x-forwarded-proto"));
        assertEquals(List.of("api.example.com"), h.get("x-forwarded-host"));
      }
    } finally {
      trusting.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void identityAndUrlOverrideHeadersAreKeptFromTrustedProxiesOnlyAndTheListIsConfigurable() throws Exception {
    String config = """
        listen:
          http: "127.0.0.1:0"
        trustedProxies: ["127.0.0.7/32"]
        %s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """;
    Edgeport trusting = startGateway(config.formatted("", Configs.nodes(nodes), nodes.port()));
    try {
      String spoof = "GET / HTTP/1.1\r\nHost: api.example.com\r\nX-Real-IP: 203.0.113.9\r\n"
          + "true-client-ip: 203.0.113.9\r\nCF-Connecting-IP: 203.0.113.9\r\nX-Original-URL: /admin\r\n"
          + "X-REWRITE-URL: /admin\r\nX-Real-IP-Note: kept\r\nX-Client-Cert: abc";
      // CGI-style backends (WSGI, Rack, PHP) read an underscore as a dash: HTTP_X_REAL_IP either way
      String underscored = "GET / HTTP/1.1\r\nHost: api.example.com\r\nX_Real_IP: 203.0.113.9\r\n"
          + "X-Original_URL: /admin\r\nX_Forwarded_For: 203.0.113.9\r\nForwarded_: kept";
      Set<String> identity = Set.of("x-real-ip", "true-client-ip", "cf-connecting-ip", "x-original-url",
          "x-rewrite-url");
      try (RawHttp fromElsewhere = new RawHttp(trusting.port(), "127.0.0.8")) {
        Map<String, List<String>> h = received(echo(fromElsewhere.send(spoof, null).read(false)));
        assertEquals(Set.of(), intersection(h.keySet(), identity), h.toString());
        assertEquals(List.of("kept"), h.get("x-real-ip-note"), "only the listed names, not their prefixes");
        assertEquals(List.of("abc"), h.get("x-client-cert"));
        h = received(echo(fromElsewhere.send(underscored, null).read(false)));
        assertEquals(Set.of(), intersection(h.keySet(), Set.of("x_real_ip", "x-original_url", "x_forwarded_for")),
            h.toString());
        assertEquals(List.of("127.0.0.8"), h.get("x-forwarded-for"));
        assertEquals(List.of("kept"), h.get("forwarded_"), "a longer name is another header");
      }
      try (RawHttp fromProxy = new RawHttp(trusting.port(), "127.0.0.7")) {
        Map<String, List<String>> h = received(echo(fromProxy.send(spoof, null).read(false)));
        assertEquals(identity, intersection(h.keySet(), identity), "a trusted proxy's are kept: " + h);
        assertEquals(List.of("/admin"), h.get("x-original-url"));
      }
      // the list replaces the default one
      trusting.reload(Configs.load(dir, config.formatted("untrustedHeaders: [X-Client-Cert]", Configs.nodes(nodes),
          nodes.port())), "test").await(20, TimeUnit.SECONDS);
      try (RawHttp fromElsewhere = new RawHttp(trusting.port(), "127.0.0.8")) {
        Map<String, List<String>> h = received(echo(fromElsewhere.send(spoof, null).read(false)));
        assertNull(h.get("x-client-cert"));
        assertEquals(List.of("203.0.113.9"), h.get("x-real-ip"));
        assertEquals(List.of("127.0.0.8"), h.get("x-forwarded-for"), "X-Forwarded-* are set afresh whatever the list");
      }
    } finally {
      trusting.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static Set<String> intersection(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.retainAll(b);
    return out;
  }

  @Test
  void requestIdIsAddedWhenAbsentAndKeptWhenPresent() throws Exception {
    List<String> added = received(echo(get("api.example.com", "/"))).get("x-request-id");
    assertEquals(1, added.size());
    assertTrue(added.get(0).matches("[0-9a-f]{32}"), added.get(0));
    try (RawHttp c = new RawHttp(gateway.port())) {
      Map<String, List<String>> h = received(echo(c.send("GET / HTTP/1.1\r\nHost: api.example.com\r\n"
          + "X-Request-Id: abc-123", null).read(false)));
      assertEquals(List.of("abc-123"), h.get("x-request-id"));
    }
  }

  @Test
  void hopByHopRequestHeadersAreDropped() throws Exception {
    try (RawHttp c = new RawHttp(gateway.port())) {
      Map<String, List<String>> h = received(echo(c.send("GET / HTTP/1.1\r\nHost: api.example.com\r\n"
          + "Connection: keep-alive, X-Drop-Me\r\nX-Drop-Me: secret\r\nKeep-Alive: timeout=300\r\nTE: trailers\r\n"
          + "Trailer: X-Sum\r\nUpgrade: foo/1\r\nProxy-Connection: keep-alive\r\nX-Keep-Me: yes", null).read(false)));
      for (String dropped : List.of("x-drop-me", "keep-alive", "te", "trailer", "upgrade", "proxy-connection")) {
        assertNull(h.get(dropped), dropped + " reached the node");
      }
      assertFalse(h.getOrDefault("connection", List.of()).stream().anyMatch(v -> v.toLowerCase().contains("x-drop-me")));
      assertEquals(List.of("yes"), h.get("x-keep-me"));
    }
  }

  @Test
  void hopByHopResponseHeadersAreDropped() throws Exception {
    Response r = get("api.example.com", "/hop");
    for (String dropped : List.of("x-secret-hop", "keep-alive", "proxy-connection", "upgrade", "trailer")) {
      assertNull(r.header(dropped), dropped + " reached the client");
    }
    String connection = r.header("connection");
    assertTrue(connection == null || !connection.toLowerCase().contains("x-secret-hop"), connection);
    assertEquals("hop", r.text());
  }

  @Test
  void aConnectionHeaderNamingAFramingHeaderDoesNotDropIt() throws Exception {
    try (RawHttp c = new RawHttp(gateway.port())) {
      JsonObject e = echo(c.send("POST /named HTTP/1.1\r\nHost: api.example.com\r\n"
          + "Connection: content-length, host, transfer-encoding\r\nContent-Length: 5", "hello".getBytes()).read(false));
      assertEquals(5, e.getLong("bodyBytes"), "the node got the body");
      assertEquals(List.of("5"), received(e).get("content-length"));
      assertEquals(List.of("api.example.com"), received(e).get("host"));
      e = echo(c.send("POST /named HTTP/1.1\r\nHost: api.example.com\r\nConnection: transfer-encoding\r\n"
          + "Transfer-Encoding: chunked", "3\r\nabc\r\n0\r\n\r\n".getBytes()).read(false));
      assertEquals(3, e.getLong("bodyBytes"), "and a chunked one");
    }
    Response r = get("api.example.com", "/named-length");
    assertEquals("6", r.header("content-length"), "a node's Content-Length reaches the client");
    assertNull(r.header("transfer-encoding"));
    assertEquals("framed", r.text());
  }

  // ------------------------------------------------------------------ bodies and connections

  @Test
  void uploadOf8MiBArrivesByteIdentical() throws Exception {
    byte[] body = TestNodes.pattern(12345, 8 * 1024 * 1024);
    try (RawHttp c = new RawHttp(gateway.port())) {
      JsonObject e = echo(c.send("POST /upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/octet-stream\r\n"
          + "Content-Length: " + body.length, body).read(false));
      assertEquals(body.length, e.getLong("bodyBytes"));
      assertEquals(RawHttp.hex(RawHttp.sha256().digest(body)), e.getString("bodySha256"));
      assertEquals(List.of(String.valueOf(body.length)), received(e).get("content-length"));
    }
  }

  @Test
  void chunkedUploadIsForwardedChunked() throws Exception {
    byte[] part = TestNodes.pattern(0, 300_000);
    MessageDigest sha = RawHttp.sha256();
    try (RawHttp c = new RawHttp(gateway.port())) {
      c.send("PUT /chunked HTTP/1.1\r\nHost: api.example.com\r\nTransfer-Encoding: chunked", null);
      for (int i = 0; i < 4; i++) {
        c.write((Integer.toHexString(part.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        c.write(part);
        c.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        sha.update(part);
      }
      c.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      JsonObject e = echo(c.read(false));
      assertEquals(4L * part.length, e.getLong("bodyBytes"));
      assertEquals(RawHttp.hex(sha.digest()), e.getString("bodySha256"));
    }
  }

  @Test
  void downloadOf30MBArrivesByteIdentical() throws Exception {
    long size = 30_000_000L;
    MessageDigest expected = RawHttp.sha256();
    for (long off = 0; off < size; off += 65536) {
      expected.update(TestNodes.pattern(off, (int) Math.min(65536, size - off)));
    }
    try (RawHttp c = new RawHttp(gateway.port())) {
      Response r = c.send("GET /download?bytes=" + size + " HTTP/1.1\r\nHost: api.example.com", null).read(false, false);
      assertEquals(200, r.status());
      assertEquals(RawHttp.hex(expected.digest()), r.bodySha256());
    }
  }

  @Test
  void http10ClientsGetAStreamedBodyOfUnknownLengthDelimitedByClose() throws Exception {
    int size = 300_000;
    try (RawHttp c = new RawHttp(gateway.port())) {
      Response r = c.send("GET /download?bytes=" + size + " HTTP/1.0\r\nHost: api.example.com", null).read(false);
      assertEquals(200, r.status());
      assertNull(r.header("transfer-encoding"), "HTTP/1.0 has no chunked encoding");
      assertEquals(RawHttp.hex(RawHttp.sha256().digest(TestNodes.pattern(0, size))), r.bodySha256());
    }
  }

  @Test
  void expectContinueUploadWorks() throws Exception {
    byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);
    try (RawHttp c = new RawHttp(gateway.port())) {
      c.send("POST /x HTTP/1.1\r\nHost: api.example.com\r\nExpect: 100-continue\r\nContent-Length: 5", null);
      c.write(body);
      JsonObject e = echo(c.read(false));
      assertEquals(5, e.getLong("bodyBytes"));
    }
  }

  @Test
  void clientKeepAliveAndHeadRequests() throws Exception {
    try (RawHttp c = new RawHttp(gateway.port())) {
      Response head = c.send("HEAD / HTTP/1.1\r\nHost: api.example.com", null).read(true);
      assertEquals(200, head.status());
      assertEquals("1234", head.header("content-length"), "HEAD keeps the node's Content-Length");
      for (int i = 0; i < 3; i++) {
        echo(c.send("GET /again HTTP/1.1\r\nHost: api.example.com", null).read(false));
      }
    }
  }

  @Test
  void backendConnectionsAreReused() throws Exception {
    try (TestNodes fresh = TestNodes.start(vertx, 3)) {
      Edgeport g = startGateway("""
          listen:
            http: "127.0.0.1:0"
          %s
          domains:
            - host: api.example.com
              nodePort: %d
          """.formatted(Configs.nodes(fresh), fresh.port()));
      try {
        for (int i = 0; i < 60; i++) {
          echo(RawHttp.get(g.port(), "api.example.com", "/"));
        }
        // 60 sequential requests need at most one connection per node and event loop
        assertTrue(fresh.connectionsAccepted() <= 3 * WORKERS, "connections: " + fresh.connectionsAccepted());
      } finally {
        g.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
