package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.AcmeConfig;
import io.edgeport.model.AcmeRequest;
import io.edgeport.support.Poll;
import io.edgeport.tls.ServedCertificate;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's state across changes of what is wanted, against a CA that cannot be reached (each order fails at
 * once, so the orders counted are the attempts made) and a backoff of 10 minutes (an attempt within the test can only
 * be one that skipped it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AcmeManagerTest {
  @TempDir
  Path dir;
  Vertx vertx;
  Context context;
  AcmeManager acme;
  AcmeConfig config;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    acme = new AcmeManager(vertx, context, () -> { }, new AcmeManager.Served() {
      @Override
      public boolean http01(String token, String keyAuthorization) {
        return false;
      }

      @Override
      public boolean tlsAlpn01(String host, ServedCertificate certificate) {
        return false;
      }
    });
    URI deadCa;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadCa = URI.create("https://127.0.0.1:" + s.getLocalPort() + "/dir");
    }
    config = new AcmeConfig("ops@example.com", deadCa, null, null, List.of(AcmeConfig.Challenge.HTTP_01),
        Duration.ofDays(30), Duration.ofMinutes(10), dir, null, Set.of(), "f.yaml:1");
  }

  @AfterEach
  void stop() throws Exception {
    onContext(() -> acme.close());
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs {@code step} on the manager's context and returns once it ran. */
  void onContext(Runnable step) throws Exception {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      step.run();
      done.complete();
    });
    done.future().await(10, TimeUnit.SECONDS);
  }

  AcmeManager.HostView view(String host) {
    return acme.views().stream().filter(v -> v.host().equals(host)).findFirst().orElseThrow();
  }

  @Test
  void anotherOriginOrADropAndReaddKeepsTheBackoff() throws Exception {
    onContext(() -> {
      acme.configure(config, new FileStore(dir), () -> true);
      acme.follow(List.of(new AcmeRequest("a.example.com", "ingress t/one")));
    });
    Poll.until(() -> acme.ordersFailed() == 1 && view("a.example.com").nextAttempt() != null, 20, "the order failed");

    onContext(() -> acme.follow(List.of(new AcmeRequest("a.example.com", "ingress t/two"))));
    AcmeManager.HostView moved = view("a.example.com");
    assertEquals("ingress t/two", moved.origin());
    assertEquals(1, moved.failures(), "another origin asks: the state stays");
    assertEquals("pending: the last order failed", moved.state(), "not ordered again at once");
    assertTrue(moved.nextAttempt().isAfter(Instant.now().plus(Duration.ofMinutes(5))));

    onContext(() -> acme.follow(List.of())); // the annotation off and on again
    assertTrue(acme.views().isEmpty());
    onContext(() -> acme.follow(List.of(new AcmeRequest("a.example.com", "ingress t/two"))));
    assertEquals("pending: the last order failed", view("a.example.com").state());
    assertEquals(1, view("a.example.com").failures());
    assertEquals(1, acme.ordersFailed());
  }

  @Test
  void aStoreThatCannotBeReadOrdersNothingAndIsReadAgainLater() throws Exception {
    // fullchain.pem is a directory: reading it fails with an IOException, as a throttled API server's GET would
    Files.createDirectories(dir.resolve("b.example.com/fullchain.pem"));
    Files.writeString(dir.resolve("b.example.com/privkey.pem"), "x");
    onContext(() -> {
      acme.configure(config, new FileStore(dir), () -> true);
      acme.follow(List.of(new AcmeRequest("b.example.com", "f.yaml:2")));
    });
    Poll.until(() -> view("b.example.com").lastError() != null, 20, "the read failed");
    AcmeManager.HostView v = view("b.example.com");
    assertTrue(v.lastError().startsWith("cannot read the stored certificate"), v.lastError());
    assertEquals("loading", v.state(), "nothing is ordered while the store cannot be read");
    assertEquals(0, acme.ordersFailed() + acme.ordersSucceeded());
  }
}
