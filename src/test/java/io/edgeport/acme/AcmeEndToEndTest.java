package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Pebble;
import io.edgeport.support.Poll;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Certificates from a real ACME server (Debian's pebble, validating against edgeport's own listeners): each challenge
 * type end to end, a restart that orders nothing, and another client's HTTP-01 tokens routed as usual.
 */
class AcmeEndToEndTest extends LiveNodesTest {
  private int httpPort;
  private int httpsPort;
  private Pebble pebble;
  private Path root;

  @BeforeEach
  void ports() throws Exception {
    httpPort = Configs.freePort();
    httpsPort = Configs.freePort();
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
        acme:
          email: ops@example.com
          agreeToTerms: true
          directory: "%s"
          caCertificates: %s
          challenges: [%s]
          retryBackoff: 1s
          storage: %s
        %s
        domains:
          - host: a.test
            nodePort: %d
          - host: b.test
            nodePort: %d
        """.formatted(httpPort, httpsPort, pebble.directory(), pebble.caCertificates(), challenges,
        dir.resolve("acme"), Configs.nodes(nodes), nodes.port(), nodes.port());
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

  @Test
  void http01GetsBothHostsTheirCertificatesAndARestartOrdersNothing() throws Exception {
    startPebble();
    startGateway(config("http-01"), 1);
    awaitVerified("a.test");
    awaitVerified("b.test");
    assertEquals(2, pebble.issuedCount(), pebble.log());
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
    startGateway(config("http-01"), 1);
    awaitVerified("a.test");
    awaitVerified("b.test");
    assertEquals(2, pebble.issuedCount(), "a restart ordered again: " + pebble.log());
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
