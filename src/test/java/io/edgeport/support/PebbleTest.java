package io.edgeport.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edgeport.acme.TrustingProvider;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeServerException;

/** The pebble harness itself: it starts, is trusted as it says, and really validates and issues (acme4j as client). */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PebbleTest {
  @TempDir
  Path dir;

  @Test
  void servesItsDirectoryAndRootOverHttpsTrustedByItsCaCertificates() throws Exception {
    try (Pebble pebble = Pebble.start(Pebble.options().httpPort(Configs.freePort()).tlsPort(Configs.freePort()),
        dir)) {
      assertEquals("https", pebble.directory().getScheme());
      HttpResponse<String> directory = HttpClient.newBuilder().sslContext(pebble.sslContext()).build()
          .send(HttpRequest.newBuilder(pebble.directory()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, directory.statusCode(), directory.body());
      assertTrue(new JsonObject(directory.body()).getString("newOrder", "").startsWith("https://127.0.0.1:"),
          directory.body());

      X509Certificate root = parse(pebble.rootPem()).get(0);
      assertTrue(root.getSubjectX500Principal().getName().contains("Pebble Root CA"), root.toString());
      assertEquals(0, pebble.issuedCount());
    }
  }

  /**
   * A real HTTP-01 order: pebble asks a.test's token of 127.0.0.1:httpPort over IPv4 (the responder listens on
   * nothing else), issues a certificate that verifies against its root, with the lifetime asked for.
   */
  @Test
  void validatesHttp01AtTheHttpPortAndIssuesUnderItsRoot() throws Exception {
    Map<String, String> keyAuthorizations = new ConcurrentHashMap<>();
    Set<String> askedBy = ConcurrentHashMap.newKeySet();
    HttpServer responder = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    responder.createContext("/.well-known/acme-challenge/", exchange -> {
      askedBy.add(exchange.getRemoteAddress().getAddress().getHostAddress());
      String token = exchange.getRequestURI().getPath().substring("/.well-known/acme-challenge/".length());
      byte[] body = keyAuthorizations.getOrDefault(token, "").getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    responder.start();
    try (Pebble pebble = Pebble.start(Pebble.options().httpPort(responder.getAddress().getPort())
        .tlsPort(Configs.freePort()).certificateValidity(Duration.ofSeconds(120)), dir)) {
      Session session = new Session(pebble.directory(), new TrustingProvider(pebble.sslContext()));
      Account account = new AccountBuilder().agreeToTermsOfService().addEmail("ops@example.com")
          .useKeyPair(ecKey()).create(session);
      Order order = account.newOrder().domains("a.test").create();
      for (Authorization authorization : order.getAuthorizations()) {
        Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class).orElseThrow();
        keyAuthorizations.put(challenge.getToken(), challenge.getAuthorization());
        challenge.trigger();
        assertEquals(Status.VALID, authorization.waitForCompletion(Duration.ofSeconds(30)),
            () -> challenge.getError() + "; " + pebble.log());
      }
      KeyPair domainKey = ecKey();
      order.execute(domainKey);
      assertEquals(Status.VALID, order.waitForCompletion(Duration.ofSeconds(30)),
          () -> order.getError() + "; " + pebble.log());
      pebble.awaitIssued(1, Duration.ofSeconds(10));
      assertEquals(1, pebble.issuedCount());
      assertEquals(Set.of("127.0.0.1"), askedBy);

      List<X509Certificate> chain = order.getCertificate().getCertificateChain();
      X509Certificate leaf = chain.get(0);
      assertEquals(List.of(List.of(2, "a.test")), List.copyOf(leaf.getSubjectAlternativeNames()));
      assertEquals(domainKey.getPublic(), leaf.getPublicKey());
      PKIXParameters trust = new PKIXParameters(Set.of(new TrustAnchor(parse(pebble.rootPem()).get(0), null)));
      trust.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain),
          trust);
      long lifetime = leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime();
      assertTrue(Math.abs(lifetime - 120_000) <= 1000, leaf.getNotBefore() + " to " + leaf.getNotAfter());
    } finally {
      responder.stop(0);
    }
  }

  @Test
  void rejectsNoncesAsAsked() throws Exception {
    try (Pebble pebble = Pebble.start(Pebble.options().httpPort(Configs.freePort()).tlsPort(Configs.freePort())
        .nonceRejectPercent(100), dir)) {
      Session session = new Session(pebble.directory(), new TrustingProvider(pebble.sslContext()));
      AcmeServerException e = assertThrows(AcmeServerException.class, () -> new AccountBuilder()
          .agreeToTermsOfService().useKeyPair(ecKey()).create(session));
      assertEquals(URI.create("urn:ietf:params:acme:error:badNonce"), e.getType());
    }
  }

  /** A P-256 key from the JDK: acme4j's KeyPairUtils asks for the BC provider, which would have to be registered. */
  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static List<X509Certificate> parse(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
        .map(X509Certificate.class::cast).toList();
  }
}
