package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Pebble;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Renewal against pebble's short-lived certificates: edgeport renews when the schedule says, serves the new
 * certificate on the running listener without a failed request, and orders no more than that.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AcmeRenewalTest extends PebbleGatewayTest {
  /** Requests in the loop across the renewal, at most (each a new connection, so each sees what is served). */
  private static final int MAX_REQUESTS = 20_000;
  /** How long an order may take once due (a few seconds on loopback), generously. */
  private static final Duration ORDER_BOUND = Duration.ofSeconds(30);
  /** Requests go on this long after the new certificate is first served. */
  private static final Duration AFTER_RENEWAL = Duration.ofSeconds(2);

  @Test
  void renewsAtRenewBeforeAndServesTheNewCertificateWithoutAFailedRequest() throws Exception {
    Duration validity = Duration.ofSeconds(90);
    Duration renewBefore = Duration.ofSeconds(50); // longer than a third (30s): it decides, 40s after issuance
    startPebble(Pebble.options().certificateValidity(validity));
    startGateway(config("challenges: [http-01]\nrenewBefore: 50s\nretryBackoff: 1s"), 1);
    X509Certificate first = awaitCertificate(60);
    assertEquals(1, pebble.issuedCount(), pebble.log());
    Instant due = first.getNotAfter().toInstant().minus(renewBefore);
    assertEquals(due, view().renewAt(), "renewBefore ahead of the expiry");

    X509Certificate renewed = requestsAcrossTheRenewal(first, due);

    assertFalse(renewed.getNotBefore().toInstant().isBefore(due.minusSeconds(1)),
        "renewed at " + renewed.getNotBefore() + ", due at " + due + " (notBefore has whole seconds)");
    AcmeManager.HostView after = view();
    assertEquals(2, pebble.issuedCount(), "one renewal, no more: " + pebble.log());
    assertEquals(1, gateway.acme().renewals());
    assertEquals(renewed.getNotAfter().toInstant().minus(renewBefore), after.renewAt());
    assertTrue(after.renewAt().isAfter(Instant.now()), "the next renewal is not due yet: " + after);
    assertEquals("valid", after.state());
    assertNull(after.lastError());
    assertEquals(0, after.failures());
  }

  @Test
  void aRenewBeforeLongerThanTheLifetimeRenewsOnceAThirdOfItIsServedNotAtOnce() throws Exception {
    // the default renewBefore (30d) against a CA's short-lived certificates (step-ca's are valid for a day)
    Duration validity = Duration.ofSeconds(30);
    startPebble(Pebble.options().certificateValidity(validity));
    startGateway(config("challenges: [http-01]\nretryBackoff: 1s"), 1);
    X509Certificate first = awaitCertificate(60);
    assertEquals(1, pebble.issuedCount(), pebble.log());
    Instant notBefore = first.getNotBefore().toInstant();
    Instant due = notBefore.plus(Duration.between(notBefore, first.getNotAfter().toInstant()).dividedBy(3));
    assertEquals(due, view().renewAt(), "a third of the lifetime served, not a renewal at once");

    X509Certificate renewed = requestsAcrossTheRenewal(first, due);

    assertFalse(renewed.getNotBefore().toInstant().isBefore(due.minusSeconds(1)), renewed.getNotBefore() + "");
    assertEquals(2, pebble.issuedCount(), "one renewal, no more: " + pebble.log());
    assertTrue(view().renewAt().isAfter(Instant.now()), "the next renewal is not due yet: " + view());
  }

  /**
   * Requests over new HTTPS connections, verified against pebble's root, from now until the renewed certificate
   * has been served for {@link #AFTER_RENEWAL} (bounded by count and by {@code due} plus {@link #ORDER_BOUND});
   * each must succeed. Returns the renewed certificate.
   */
  private X509Certificate requestsAcrossTheRenewal(X509Certificate first, Instant due) throws Exception {
    Instant deadline = due.plus(ORDER_BOUND);
    List<String> failed = new ArrayList<>();
    X509Certificate renewed = null;
    Instant renewedSince = null;
    int requests = 0;
    while (requests < MAX_REQUESTS && Instant.now().isBefore(deadline)
        && (renewedSince == null || Instant.now().isBefore(renewedSince.plus(AFTER_RENEWAL)))) {
      requests++;
      try {
        Served s = get();
        if (s.status() != 200) {
          failed.add(Instant.now() + ": status " + s.status());
        } else if (!s.leaf().getSerialNumber().equals(first.getSerialNumber())) {
          if (renewed == null) {
            renewed = s.leaf();
            renewedSince = Instant.now();
          }
          assertEquals(renewed.getSerialNumber(), s.leaf().getSerialNumber(), "one renewal, one new certificate");
        }
      } catch (Exception e) {
        failed.add(Instant.now() + ": " + e);
      }
    }
    assertEquals(List.of(), failed, requests + " requests");
    assertTrue(renewed != null, "no renewed certificate served by " + deadline + " (due at " + due + ", "
        + requests + " requests); " + view() + "; " + pebble.log());
    assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber());
    return renewed;
  }
}
