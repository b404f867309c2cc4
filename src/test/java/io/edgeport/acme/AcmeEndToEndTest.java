package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.admin.AdminServer;
import io.edgeport.cli.Main;
import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Pebble;
import io.edgeport.support.Poll;
import io.edgeport.support.PrometheusText;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Certificates from a real ACME server (Debian's pebble, validating against edgeport's own listeners): each challenge
 * type end to end, a restart that orders nothing, and another client's HTTP-01 tokens routed as usual; status, metrics
 * and {@code edgeport status} show what was obtained.
 */
class AcmeEndToEndTest extends LiveNodesTest {
  private int httpPort;
  private int httpsPort;
  private int adminPort;
  private Pebble pebble;
  private Path root;

  @BeforeEach
  void ports() throws Exception {
    httpPort = Configs.freePort();
    httpsPort = Configs.freePort();
    adminPort = Configs.freePort();
  }

  @AfterEach
  void stopPebble() throws Exception {
    if (pebble != null) {
      pebble.close();
    }
  }

  private void startPebble() throws Exception {
    pebble = Pebble.start(Pebble.options().httpPort(httpPort).tlsPort(httpsPort), dir);
    root = dir.resolve("pebble-root.pem");
    Files.writeString(root, pebble.rootPem());
  }

  private String config(String challenges) {
    return """
        listen:
          http: "127.0.0.1:%d"
          https: "127.0.0.1:%d"
        %sadmin: "127.0.0.1:%d"
        %s
        domains:
          - host: a.test
            nodePort: %d
          - host: b.test
            nodePort: %d
        """.formatted(httpPort, httpsPort, pebble.acmeSection("challenges: [" + challenges + "]", "retryBackoff: 1s",
        "storage: " + dir.resolve("acme")), adminPort, Configs.nodes(nodes), nodes.port(), nodes.port());
  }

  /** A request over HTTPS that verifies edgeport's certificate against pebble's root for {@code host}. */
  private Curl.Result https(String host) throws Exception {
    return Curl.run("--cacert", root.toString(), "--resolve", host + ":" + httpsPort + ":127.0.0.1",
        "https://" + host + ":" + httpsPort + "/");
  }

  private void awaitVerified(String host) {
    Poll.until(() -> {
      try {
        return https(host).writeOut().startsWith("200");
      } catch (Exception e) {
        return false;
      }
    }, 90, host + " served over HTTPS with a certificate from pebble; pebble said: " + pebble.log());
  }

  private String admin(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + adminPort + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** {@code edgeport status} run in this process against the admin listener: its output. */
  private String statusCommand() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine().setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("status", "--admin", "127.0.0.1:" + adminPort), out.toString());
    return out.toString();
  }

  /** Status, metrics and {@code edgeport status} show both hosts' certificates from pebble, and the orders counted. */
  private void assertShown(int orders) throws Exception {
    JsonObject status = new JsonObject(admin("/api/status"));
    JsonObject acme = status.getJsonObject("acme");
    assertEquals(pebble.directory().toString(), acme.getString("directory"));
    assertEquals(new JsonObject().put("succeeded", orders).put("failed", 0), acme.getJsonObject("orders"));
    Map<String, JsonObject> served = new HashMap<>();
    status.getJsonArray("certificates").forEach(c -> served.put(((JsonObject) c).getJsonArray("hosts").getString(0),
        (JsonObject) c));
    Instant now = Instant.now();
    for (String host : List.of("a.test", "b.test")) {
      JsonObject h = acme.getJsonArray("hosts").stream().map(JsonObject.class::cast)
          .filter(v -> v.getString("host").equals(host)).findFirst().orElseThrow(() -> new AssertionError(acme.encode()));
      assertEquals("valid", h.getString("state"), h.encode());
      assertTrue(h.getString("issuer").startsWith("CN=Pebble Intermediate CA"), h.encode());
      Instant notAfter = Instant.parse(h.getString("notAfter"));
      Instant renewAt = Instant.parse(h.getString("renewAt"));
      assertTrue(now.isBefore(renewAt) && renewAt.isBefore(notAfter), h.encode());
      assertNull(h.getString("lastError"), h.encode());
      assertEquals(0, h.getInteger("failures"));
      JsonObject c = served.get(host);
      assertEquals("acme", c.getString("source"), status.getJsonArray("certificates").encode());
      assertEquals(h.getString("notAfter"), c.getString("notAfter"), "the served certificate is the one shown");
      assertEquals(h.getString("issuer"), c.getString("issuer"));
    }

    List<PrometheusText.Sample> metrics = PrometheusText.parse(admin("/metrics"));
    assertEquals(orders, PrometheusText.sum(metrics, "edgeport_acme_orders_total", Map.of("result", "success")));
    assertEquals(0.0, PrometheusText.sum(metrics, "edgeport_acme_orders_total", Map.of("result", "failure")));
    assertEquals(0.0, PrometheusText.sum(metrics, "edgeport_acme_renewals_total", Map.of()));
    for (String host : List.of("a.test", "b.test")) {
      assertEquals(Instant.parse(served.get(host).getString("notAfter")).getEpochSecond(), PrometheusText.sum(metrics,
          "edgeport_certificate_expiry_timestamp_seconds", Map.of("host", host, "source", "acme")), host);
    }

    String table = statusCommand();
    for (String host : List.of("a.test", "b.test")) {
      assertTrue(table.lines().anyMatch(l -> l.matches(host.replace(".", "\\.")
          + " +acme +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d"
          + " +Pebble Intermediate CA \\S+ +valid")), table);
    }
  }

  @Test
  void http01GetsBothHostsTheirCertificatesAndARestartOrdersNothing() throws Exception {
    startPebble();
    startGateway(config("http-01"), 1, new AdminServer(vertx, "edgeport test"));
    awaitVerified("a.test");
    awaitVerified("b.test");
    assertEquals(2, pebble.issuedCount(), pebble.log());
    assertShown(2);
    assertTrue(Files.exists(dir.resolve("acme/a.test/fullchain.pem")));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("acme/a.test/privkey.pem"))));

    // another ACME client's token (cert-manager's solver behind edgeport) is routed to the node as any path
    Curl.Result other = Curl.run("-H", "Host: a.test", "http://127.0.0.1:" + httpPort
        + "/.well-known/acme-challenge/not-edgeports-token");
    assertEquals("200 1.1", other.writeOut(), other.stderr());
    assertEquals("/.well-known/acme-challenge/not-edgeports-token", new JsonObject(other.body()).getString("uri"));

    // a restart with the stored certificates serves them at once and orders nothing
    gateway.close().await(10, TimeUnit.SECONDS);
    gateway = null;
    startGateway(config("http-01"), 1, new AdminServer(vertx, "edgeport test"));
    awaitVerified("a.test");
    awaitVerified("b.test");
    assertEquals(2, pebble.issuedCount(), "a restart ordered again: " + pebble.log());
    assertShown(0);
  }

  @Test
  void tlsAlpn01GetsBothHostsTheirCertificates() throws Exception {
    startPebble();
    startGateway(config("tls-alpn-01"), 1);
    awaitVerified("a.test");
    awaitVerified("b.test");
    assertEquals(2, pebble.issuedCount(), pebble.log());
  }
}
