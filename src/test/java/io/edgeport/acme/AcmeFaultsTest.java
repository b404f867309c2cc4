package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgeport.support.Configs;
import io.edgeport.support.Pebble;
import io.edgeport.support.Poll;
import io.edgeport.support.TlsProbe;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * What goes wrong with a CA, against a real pebble: rejected nonces, a challenge that fails, a CA gone when a renewal
 * is due. Failed orders are tried again later and later (retryBackoff 1s, doubling, ±25%), never in a burst; meanwhile
 * the host is served (the placeholder, or the certificate it has) and status says why.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AcmeFaultsTest extends PebbleGatewayTest {
  private static final Duration BACKOFF = Duration.ofSeconds(1);
  /** How many failures in a row each test watches: waits of about 1, 2 and 4 s between them. */
  private static final int FAILURES = 4;
  /** acme4j sends a request again on badNonce, this often at most (its DefaultConnection.MAX_ATTEMPTS). */
  private static final int ACME4J_NONCE_ATTEMPTS = 10;

  @Test
  void rejectedNoncesAreRetriedAndTheOrderSucceeds() throws Exception {
    ListAppender<ILoggingEvent> acme4j = new ListAppender<>();
    acme4j.start();
    Logger connection = (Logger) LoggerFactory.getLogger("org.shredzone.acme4j.connector.DefaultConnection");
    connection.addAppender(acme4j);
    try {
      // 60%: an order's ten or so signed requests each see a rejection or more; ten in a row (acme4j's limit) are rare
      startPebble(Pebble.options().nonceRejectPercent(60));
      startGateway(config("challenges: [http-01]\nretryBackoff: 1s"), 1);
      awaitCertificate(60);
    } finally {
      connection.detachAppender(acme4j);
    }
    assertTrue(acme4j.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Bad Replay Nonce")),
        "pebble rejected no nonce: " + pebble.log());
    assertEquals(1, pebble.issuedCount(), "a retried request is not a second order: " + pebble.log());
    assertEquals("valid", view().state());
  }

  @Test
  void noncesAlwaysRejectedBackOffAndThePlaceholderServesMeanwhile() throws Exception {
    startPebble(Pebble.options().nonceRejectPercent(100));
    startGateway(config("challenges: [http-01]\nretryBackoff: 1s"), 1);

    List<AcmeManager.HostView> failures = awaitFailures(FAILURES, () -> {});

    // each attempt is acme4j's retries of its first request (the account's), then edgeport waits
    long accountRequests = pebble.log().lines().filter(l -> l.contains("POST /sign-me-up")).count();
    assertTrue(accountRequests >= FAILURES && accountRequests <= (long) FAILURES * ACME4J_NONCE_ATTEMPTS,
        accountRequests + " account requests for " + FAILURES + " attempts: " + pebble.log());
    assertBackedOff(failures);
    AcmeManager.HostView last = failures.get(FAILURES - 1);
    assertTrue(last.lastError().contains("nonce"), last.toString());
    assertEquals("pending: the last order failed", last.state());
    assertPlaceholderServed();
    assertEquals(0, pebble.issuedCount());
  }

  @Test
  void aFailingChallengeBacksOffAndThePlaceholderServesMeanwhile() throws Exception {
    // pebble validates HTTP-01 at a port where nothing listens, as behind a firewall that drops port 80
    startPebble(Pebble.options().httpPort(Configs.freePort()).tlsPort(httpsPort));
    startGateway(config("challenges: [http-01]\nretryBackoff: 1s"), 1);

    List<AcmeManager.HostView> failures = awaitFailures(FAILURES, () -> {});

    assertBackedOff(failures);
    for (AcmeManager.HostView v : failures) {
      assertTrue(v.lastError().contains("http-01 failed"), v.toString());
      assertEquals("pending: the last order failed", v.state());
    }
    long orders = pebble.log().lines().filter(l -> l.contains("POST /order-plz")).count();
    assertEquals(FAILURES, orders, "one order per attempt (a failed one is not taken up again): " + pebble.log());
    assertPlaceholderServed();
    assertEquals(0, pebble.issuedCount());
    assertEquals(FAILURES, gateway.acme().ordersFailed());
  }

  @Test
  void aCaGoneWhenTheRenewalIsDueLeavesTheCurrentCertificateServing() throws Exception {
    startPebble(Pebble.options().certificateValidity(Duration.ofSeconds(60)));
    startGateway(config("challenges: [http-01]\nrenewBefore: 40s\nretryBackoff: 1s"), 1);
    X509Certificate first = awaitCertificate(60);
    Instant renewAt = view().renewAt();
    pebble.close(); // unreachable from now on
    assertTrue(Duration.between(Instant.now(), renewAt).toSeconds() >= 5,
        "the renewal is due at " + renewAt + ": too soon to have stopped the CA before it");
    assertEquals(1, pebble.issuedCount(), pebble.log());

    // every request in the meantime is served with the first certificate (valid until well after the test)
    List<String> wrong = new ArrayList<>();
    List<AcmeManager.HostView> failures = awaitFailures(3, () -> {
      try {
        Served s = get();
        if (s.status() != 200 || !s.leaf().getSerialNumber().equals(first.getSerialNumber())) {
          wrong.add(s.status() + " " + s.leaf().getSerialNumber());
        }
      } catch (Exception e) {
        wrong.add(e.toString());
      }
    });

    assertEquals(List.of(), wrong);
    assertFalse(failures.get(0).nextAttempt().isBefore(renewAt), "no attempt before the renewal was due");
    assertBackedOff(failures);
    AcmeManager.HostView last = failures.get(2);
    assertEquals("valid", last.state(), "the current certificate still serves");
    assertEquals(first.getNotAfter().toInstant(), last.notAfter());
    assertTrue(last.lastError().startsWith("cannot reach the CA at " + pebble.directory()), last.toString());
    assertTrue(last.nextAttempt().isAfter(Instant.now()), last.toString());
    assertEquals(first.getSerialNumber(), get().leaf().getSerialNumber());
    assertEquals(0, gateway.acme().renewals());
  }

  /**
   * Polls the host's status (and runs {@code each} every time) until it has failed {@code n} times in a row; returns
   * the view after each failure (bounded: the backoff's longest waits and a few seconds per attempt).
   */
  private List<AcmeManager.HostView> awaitFailures(int n, Runnable each) {
    List<AcmeManager.HostView> seen = new ArrayList<>();
    long bound = 60 + BACKOFF.toSeconds() * (1L << n);
    Poll.until(() -> {
      each.run();
      AcmeManager.HostView v = view();
      if (v.failures() > seen.size()) {
        assertEquals(seen.size() + 1, v.failures(), "a failure not seen: " + seen + ", then " + v);
        seen.add(v);
      }
      return seen.size() >= n;
    }, bound, n + " failed orders; seen " + seen + "; " + pebble.log());
    return seen;
  }

  /**
   * Attempt k+1 starts no sooner than the next attempt that failure k set, and fails before it sets its own: their
   * next attempts are at least the (k+1)th wait apart, which is BACKOFF·2^k less a quarter.
   */
  private static void assertBackedOff(List<AcmeManager.HostView> failures) {
    for (int k = 1; k < failures.size(); k++) {
      Duration gap = Duration.between(failures.get(k - 1).nextAttempt(), failures.get(k).nextAttempt());
      Duration least = BACKOFF.multipliedBy(1L << k).multipliedBy(3).dividedBy(4);
      assertTrue(gap.compareTo(least) >= 0, "after failure " + k + " the next attempt moved " + gap
          + " out, less than " + least + ": " + failures);
    }
  }

  private void assertPlaceholderServed() throws Exception {
    TlsProbe.Handshake h = TlsProbe.handshake(httpsPort, HOST, null);
    assertEquals("CN=" + SelfSigned.PLACEHOLDER_NAME, h.leaf().getSubjectX500Principal().getName());
    assertNull(view().notAfter(), "no certificate yet");
  }
}
