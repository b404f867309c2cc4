package io.edgeport.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgeport.acme.AcmeManager.HostView;
import io.edgeport.config.CertificateConfig;
import io.edgeport.support.TestCertificates;
import io.edgeport.tls.CertificateLoader;
import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate and ACME parts of /api/status, from certificates of each source and ACME host views. */
class StatusReportTest {
  @TempDir
  Path dir;

  ServedCertificate fromPem(TestCertificates.Leaf leaf, String host, String origin) throws Exception {
    return CertificateLoader.fromPem(List.of(host), Files.readString(leaf.cert()), Files.readString(leaf.key()), origin,
        Certificates.NONE, Instant.now());
  }

  @Test
  void eachServedCertificateNamesItsSourceIssuerAndExpiry() throws Exception {
    TestCertificates ca = TestCertificates.create(dir);
    TestCertificates.Leaf file = ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "file.example.com");
    Certificates configured = CertificateLoader.load(List.of(new CertificateConfig(List.of("file.example.com"),
        file.cert(), file.key(), false, "edgeport.yaml:12")), Certificates.NONE, Instant.now());
    ServedCertificate secret = fromPem(ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "shop.example.com"),
        "shop.example.com", "ingress shop/web secret web-tls");
    ServedCertificate acme = fromPem(ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "a.test"), "a.test", "acme a.test");
    Instant now = Instant.now();

    JsonArray out = StatusReport.certificates(Certificates.of(configured, List.of(secret), List.of(acme), null,
        Map.of()), now);

    assertEquals(List.of("file", "acme", "secret"), out.stream().map(c -> ((JsonObject) c).getString("source")).toList(),
        "in the order a name is looked up: ACME's before the cluster's");
    JsonObject first = out.getJsonObject(0);
    assertEquals("edgeport.yaml:12", first.getString("origin"));
    assertEquals("CN=edgeport test CA", first.getString("issuer"));
    assertEquals("ingress shop/web secret web-tls", out.getJsonObject(2).getString("origin"));
    JsonObject last = out.getJsonObject(1);
    assertEquals(List.of("a.test"), last.getJsonArray("hosts").getList());
    assertEquals(acme.leaf().getNotAfter().toInstant().toString(), last.getString("notAfter"));
    assertEquals(1L, last.getLong("daysLeft"), "the test certificates live two days");
  }

  @Test
  void everyAcmeHostIsListedWithItsStateAndTheCountersBeside() {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    List<HostView> views = List.of(
        new HostView("a.test", "edgeport.yaml:20", "valid", "CN=Pebble Intermediate CA 1", now.plus(Duration.ofDays(90)),
            now.plus(Duration.ofDays(60)), null, null, 0),
        new HostView("b.test", "ingress shop/web", "pending: the last order failed", null, null, null,
            "urn:ietf:params:acme:error:connection: <script>", now.plusSeconds(120), 3),
        new HostView("*.apps.test", "edgeport.yaml:24", "not obtainable", null, null, null,
            "a wildcard needs the DNS-01 challenge", null, 0));

    JsonObject acme = StatusReport.acme(URI.create("https://ca.test/dir"), views, 4, 3, 1, now);

    assertEquals("https://ca.test/dir", acme.getString("directory"));
    assertEquals(new JsonObject().put("succeeded", 4L).put("failed", 3L), acme.getJsonObject("orders"));
    assertEquals(1L, acme.getLong("renewals"));
    JsonArray hosts = acme.getJsonArray("hosts");
    assertEquals(3, hosts.size());
    JsonObject valid = hosts.getJsonObject(0);
    assertEquals(new JsonObject().put("host", "a.test").put("origin", "edgeport.yaml:20").put("state", "valid")
        .put("issuer", "CN=Pebble Intermediate CA 1").put("notAfter", "2030-04-01T00:00:00Z").put("daysLeft", 90L)
        .put("renewAt", "2030-03-02T00:00:00Z").putNull("lastError").putNull("nextAttempt").put("failures", 0), valid);
    JsonObject failing = hosts.getJsonObject(1);
    assertEquals("pending: the last order failed", failing.getString("state"));
    assertNull(failing.getString("notAfter"));
    assertNull(failing.getValue("daysLeft"));
    assertEquals("urn:ietf:params:acme:error:connection: <script>", failing.getString("lastError"));
    assertEquals("2030-01-01T00:02:00Z", failing.getString("nextAttempt"));
    assertEquals(3, failing.getInteger("failures"));
    assertEquals("not obtainable", hosts.getJsonObject(2).getString("state"));
    assertEquals("a wildcard needs the DNS-01 challenge", hosts.getJsonObject(2).getString("lastError"));
  }
}
