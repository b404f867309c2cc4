package io.edgeport.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.AcmeConfig.Challenge;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The acme section: defaults, every mistake named with its place, and what spans sections. */
class AcmeSectionTest {
  private static final String BASE = """
      listen: {http: ":80", https: ":443"}
      nodes: [10.0.0.1]
      domains:
        - host: api.example.com
          nodePort: 30005
        - host: old.example.com
          nodePort: 30005
          acme: false
      """;

  private static AcmeConfig acme(String section) throws Exception {
    return ConfigLoader.parse("/etc/edgeport/edgeport.yaml", BASE + section).config().acme();
  }

  @Test
  void listenHttpsWithAcmeAndNoTlsIsValidAndTheDefaultsAreLetsEncryptsBothChallengesAnd30Days() throws Exception {
    AcmeConfig c = acme("acme: {email: ops@example.com, agreeToTerms: true, storage: acme}\n");
    assertEquals(AcmeConfig.LETS_ENCRYPT, c.directory());
    assertEquals(List.of(Challenge.HTTP_01, Challenge.TLS_ALPN_01), c.challenges());
    assertEquals(Duration.ofDays(30), c.renewBefore());
    assertEquals(Path.of("/etc/edgeport/acme"), c.storage(), "relative to the config file");
    assertEquals(Set.of("old.example.com"), c.optedOut());
    assertEquals(null, c.caCertificates());
  }

  @Test
  void everyFieldIsRead() throws Exception {
    AcmeConfig c = acme("""
        acme:
          email: ops@example.com
          agreeToTerms: true
          directory: https://ca.internal:9000/acme/acme/directory
          caCertificates: /etc/edgeport/acme-ca.pem
          externalAccountBinding: {keyId: kid-1, hmacKey: c2VjcmV0LWtleQ}
          challenges: [tls-alpn-01]
          renewBefore: 10d
          retryBackoff: 5m
          namespace: edge
        """);
    assertEquals(URI.create("https://ca.internal:9000/acme/acme/directory"), c.directory());
    assertEquals(Path.of("/etc/edgeport/acme-ca.pem"), c.caCertificates());
    assertEquals(new AcmeConfig.ExternalAccountBinding("kid-1", "c2VjcmV0LWtleQ"), c.externalAccountBinding());
    assertEquals(List.of(Challenge.TLS_ALPN_01), c.challenges());
    assertEquals(Duration.ofDays(10), c.renewBefore());
    assertEquals(Duration.ofMinutes(5), c.retryBackoff());
    assertEquals("edge", c.namespace());
    assertTrue(!c.externalAccountBinding().toString().contains("c2VjcmV0"), "the HMAC key stays out of logs");
  }

  @Test
  void mistakesAreErrorsWithTheirPlace() {
    List<String> noTerms = ConfigLoaderTest.errors(BASE + "acme: {email: ops@example.com}\n");
    assertEquals(1, noTerms.size(), noTerms.toString());
    assertTrue(noTerms.get(0).startsWith("f.yaml:9:7: acme: needs 'agreeToTerms: true'"), noTerms.get(0));
    List<String> noEmail = ConfigLoaderTest.errors(BASE + "acme: {agreeToTerms: true}\n");
    assertTrue(noEmail.get(0).contains("acme: needs 'email'"), noEmail.toString());
    List<String> bad = ConfigLoaderTest.errors(BASE + """
        acme:
          email: not-an-address
          agreeToTerms: true
          directory: http://ca.example.com/dir
          challenges: [dns-01, http-01, http-01]
          renewBefore: soon
          externalAccountBinding: {keyId: k}
        """);
    String all = String.join("\n", bad);
    assertTrue(all.contains("acme.email: 'not-an-address' is not an email address"), all);
    assertTrue(all.contains("acme.directory: 'http://ca.example.com/dir' is not an https URL"), all);
    assertTrue(all.contains("'dns-01' is not one of http-01, tls-alpn-01 (dns-01 needs a DNS provider's API"), all);
    assertTrue(all.contains("acme.challenges: 'http-01' is listed twice"), all);
    assertTrue(all.contains("acme.renewBefore: 'soon' is not a positive duration"), all);
    assertTrue(all.contains("acme.externalAccountBinding: needs both 'keyId' and 'hmacKey'"), all);
    List<String> noHttps = ConfigLoaderTest.errors(BASE.replace(", https: \":443\"", "")
        + "acme: {email: ops@example.com, agreeToTerms: true}\n");
    assertTrue(String.join("\n", noHttps).contains("acme: certificates are obtained for the HTTPS listener"),
        noHttps.toString());
  }

  @Test
  void acmeFalseWithoutTheSectionIsAWarning() throws Exception {
    ConfigLoader.Loaded loaded = ConfigLoader.parse("f.yaml", BASE.replace("https: \":443\"", "https: \":443\"")
        + "tls: [{hosts: [api.example.com], cert: a.crt, key: a.key}]\n");
    assertTrue(loaded.warnings().stream().anyMatch(w -> w.toString().contains("acme: false has no effect")),
        loaded.warnings().toString());
  }
}
