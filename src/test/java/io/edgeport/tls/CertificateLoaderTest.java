package io.edgeport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.CertificateConfig;
import io.edgeport.support.TestCertificates;
import io.edgeport.support.TestCertificates.KeyFormat;
import io.edgeport.support.TestCertificates.Leaf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and checking certificate files, with the clock passed in. */
class CertificateLoaderTest {
  @TempDir
  static Path dir;
  private static TestCertificates ca;
  private static Leaf rsa1;
  private static Leaf ec;

  @BeforeAll
  static void certificates() throws Exception {
    ca = TestCertificates.create(dir);
    rsa1 = ca.issue(KeyFormat.PKCS1_RSA, "api.example.com", "*.apps.example.com");
    ec = ca.issue(KeyFormat.SEC1_EC, "shop.example.com");
  }

  private static CertificateConfig entry(Leaf leaf, String... hosts) {
    return new CertificateConfig(List.of(hosts), leaf.cert(), leaf.key(), false, "edgeport.yaml:3");
  }

  private static String problem(List<CertificateConfig> configs, Instant now) {
    CertificateLoader.CertificateProblems e = assertThrows(CertificateLoader.CertificateProblems.class,
        () -> CertificateLoader.load(configs, Certificates.NONE, now));
    return e.getMessage();
  }

  @Test
  void readsEveryKeyFormatAndPicksByNameExactThenWildcardThenDefault() throws Exception {
    Leaf pkcs8Ec = ca.issue(KeyFormat.PKCS8_EC, "pkcs8.example.com");
    Certificates set = CertificateLoader.load(List.of(entry(rsa1, "api.example.com", "*.apps.example.com"),
        entry(ec, "shop.example.com"), entry(pkcs8Ec, "pkcs8.example.com")), Certificates.NONE, Instant.now());
    assertEquals("RSA", set.select("api.example.com").key().getAlgorithm());
    assertEquals("EC", set.select("SHOP.example.com.").key().getAlgorithm());
    assertSame(set.all().get(0), set.select("x.apps.example.com"));
    assertSame(set.all().get(0), set.select("a.b.apps.example.com"), "a wildcard covers one label; the rest: default");
    assertSame(set.all().get(0), set.select(null));
    assertSame(set.all().get(2), set.select("pkcs8.example.com"));
  }

  @Test
  void theDefaultFlagWinsOverTheFirst() throws Exception {
    CertificateConfig shop = new CertificateConfig(List.of("shop.example.com"), ec.cert(), ec.key(), true, "x:1");
    Certificates set = CertificateLoader.load(List.of(entry(rsa1, "api.example.com"), shop), Certificates.NONE,
        Instant.now());
    assertSame(set.all().get(1), set.select("unknown.example.org"));
  }

  @Test
  void anUnchangedEntryKeepsItsAliasAcrossLoads() throws Exception {
    Certificates first = CertificateLoader.load(List.of(entry(ec, "shop.example.com")), Certificates.NONE,
        Instant.now());
    Certificates again = CertificateLoader.load(List.of(entry(ec, "shop.example.com")), first, Instant.now());
    assertSame(first.all().get(0), again.all().get(0));
    assertTrue(again.sameAs(first));
  }

  @Test
  void anExpiredOrNotYetValidCertificateIsRefused() {
    String expired = problem(List.of(entry(ec, "shop.example.com")), Instant.now().plus(Duration.ofDays(30)));
    assertTrue(expired.contains("expired on"), expired);
    assertTrue(expired.startsWith("tls (edgeport.yaml:3): "), expired);
    String early = problem(List.of(entry(ec, "shop.example.com")), Instant.now().minus(Duration.ofDays(30)));
    assertTrue(early.contains("is not valid before"), early);
  }

  @Test
  void aCertificateMustCoverEveryHostItIsListedFor() {
    String message = problem(List.of(entry(ec, "shop.example.com", "www.example.com")), Instant.now());
    assertTrue(message.contains("does not cover www.example.com (it certifies [shop.example.com])"), message);
    String wildcard = problem(List.of(entry(rsa1, "*.example.com")), Instant.now());
    assertTrue(wildcard.contains("does not cover *.example.com"), wildcard);
  }

  @Test
  void aKeyOfAnotherCertificateAMissingFileAndGarbageAreRefusedEachNamed() throws Exception {
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "not a certificate\n");
    CertificateConfig mismatched = new CertificateConfig(List.of("shop.example.com"), ec.cert(), rsa1.key(), false,
        "a:1");
    CertificateConfig missing = new CertificateConfig(List.of("shop.example.com"), dir.resolve("nope.crt"), ec.key(),
        false, "a:2");
    CertificateConfig notPem = new CertificateConfig(List.of("shop.example.com"), garbage, ec.key(), false, "a:3");
    CertificateConfig noKey = new CertificateConfig(List.of("shop.example.com"), ec.cert(), garbage, false, "a:4");
    CertificateLoader.CertificateProblems e = assertThrows(CertificateLoader.CertificateProblems.class,
        () -> CertificateLoader.load(List.of(mismatched, missing, notPem, noKey), Certificates.NONE, Instant.now()));
    assertEquals(4, e.problems().size(), e.getMessage());
    assertTrue(e.problems().get(0).contains("does not belong to the certificate"), e.problems().get(0));
    assertTrue(e.problems().get(1).contains("nope.crt: no such file"), e.problems().get(1));
    assertTrue(e.problems().get(2).contains("holds no PEM certificate") || e.problems().get(2).contains("is not a PEM"),
        e.problems().get(2));
    assertTrue(e.problems().get(3).contains("holds no PEM private key"), e.problems().get(3));
  }
}
