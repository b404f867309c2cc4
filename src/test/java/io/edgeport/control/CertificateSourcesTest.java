package io.edgeport.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.support.TestCertificates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's certificates are checked on a worker while the cluster goes on changing: whatever came meanwhile, the
 * latest ones asked for are the ones served, and one that cannot be read is left out without the others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateSourcesTest {
  @TempDir
  Path dir;
  Vertx vertx;
  ControlLoop control;
  CertificateSources certificates;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    control = new ControlLoop(vertx, vertx.getOrCreateContext(), () -> { });
    certificates = new CertificateSources(vertx, control);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static DiscoveredCertificate discovered(TestCertificates.Leaf leaf, String host) throws Exception {
    return new DiscoveredCertificate(List.of(host), Files.readString(leaf.cert()), Files.readString(leaf.key()),
        "ingress default/" + host);
  }

  List<String> served() throws Exception {
    return control.step(() -> Future.succeededFuture(certificates.served().all().stream()
        .flatMap(c -> c.hosts().stream()).toList())).await(10, TimeUnit.SECONDS);
  }

  @Test
  void theLatestCertificatesAskedForAreServedWhateverCameWhileTheEarlierOnesLoaded() throws Exception {
    TestCertificates ca = TestCertificates.create(dir);
    DiscoveredCertificate a = discovered(ca.issue(TestCertificates.KeyFormat.PKCS1_RSA, "a.example.com"),
        "a.example.com");
    DiscoveredCertificate b = discovered(ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "b.example.com"),
        "b.example.com");
    // three changes in a row, each while the one before is still being checked on a worker
    control.step(() -> {
      certificates.follow(List.of(a));
      certificates.follow(List.of(a, b));
      return certificates.follow(List.of(b));
    }).await(20, TimeUnit.SECONDS);
    assertEquals(List.of("b.example.com"), served());

    // back to what was served before the last change: loaded again, not dropped as stale
    control.step(() -> {
      certificates.follow(List.of(a));
      return certificates.follow(List.of(b));
    }).await(20, TimeUnit.SECONDS);
    assertEquals(List.of("b.example.com"), served());
  }

  @Test
  void aCertificateThatCannotBeReadIsLeftOutAndTheOthersServe() throws Exception {
    TestCertificates ca = TestCertificates.create(dir);
    DiscoveredCertificate a = discovered(ca.issue(TestCertificates.KeyFormat.PKCS1_RSA, "a.example.com"),
        "a.example.com");
    DiscoveredCertificate broken = new DiscoveredCertificate(List.of("c.example.com"), null, null,
        "ingress default/c.example.com");
    control.step(() -> certificates.follow(List.of(broken, a))).await(20, TimeUnit.SECONDS);
    assertEquals(List.of("a.example.com"), served());
    control.step(() -> certificates.follow(List.of())).await(20, TimeUnit.SECONDS);
    assertEquals(List.of(), served(), "the cluster's certificates are gone");
  }

  /**
   * A check that is done before its listener is attached (the worker was quicker than the event loop: common on a
   * busy host, forced here by checking nothing, hundreds of times) completes the load at once; the next change must
   * still be loaded.
   */
  @Test
  void aLoadThatIsDoneAtOnceLeavesTheNextChangeLoaded() throws Exception {
    TestCertificates ca = TestCertificates.create(dir);
    DiscoveredCertificate a = discovered(ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "a.example.com"),
        "a.example.com");
    for (int i = 0; i < 300; i++) {
      control.step(() -> certificates.follow(List.of())).await(20, TimeUnit.SECONDS);
      assertEquals(List.of(), served(), "round " + i);
      control.step(() -> certificates.follow(List.of(a))).await(20, TimeUnit.SECONDS);
      assertEquals(List.of("a.example.com"), served(), "round " + i);
    }
  }
}
