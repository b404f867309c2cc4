package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The renewal schedule and the backoff, exactly. */
class RenewalTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aNinetyDayCertificateRenewsThirtyDaysAheadAndAShortOneWithAThirdLeft() {
    Instant notAfter = T0.plus(Duration.ofDays(90));
    assertEquals(T0.plus(Duration.ofDays(60)), Renewal.renewAt(T0, notAfter, Duration.ofDays(30), null, null, 0.5));
    assertEquals(T0.plus(Duration.ofDays(50)), Renewal.renewAt(T0, notAfter, Duration.ofDays(40), null, null, 0.5));
    Instant sixDays = T0.plus(Duration.ofDays(6));
    assertEquals(T0.plus(Duration.ofDays(4)), Renewal.renewAt(T0, sixDays, Duration.ofDays(30).minusDays(29),
        null, null, 0.5), "renewBefore 1d, but a third of 6 days (2d) is sooner");
  }

  @Test
  void aRenewBeforeLongerThanMostOfTheLifetimeWaitsForAThirdOfItServed() {
    Instant oneDay = T0.plus(Duration.ofDays(1));
    assertEquals(T0.plus(Duration.ofHours(8)), Renewal.renewAt(T0, oneDay, Duration.ofDays(30), null, null, 0.5),
        "not at once after each issuance");
    Instant notAfter = T0.plus(Duration.ofDays(90));
    assertEquals(T0.plus(Duration.ofDays(30)), Renewal.renewAt(T0, notAfter, Duration.ofDays(70), null, null, 0.5));
    Instant start = T0.plus(Duration.ofDays(10));
    assertEquals(start, Renewal.renewAt(T0, notAfter, Duration.ofDays(70), start, start.plusSeconds(60), 0.0),
        "the CA's window still may come sooner (a revocation ahead)");
  }

  @Test
  void theCasWindowIsUsedWhenItIsSoonerAndADrawInsideIt() {
    Instant notAfter = T0.plus(Duration.ofDays(90));
    Instant start = T0.plus(Duration.ofDays(10));
    Instant end = T0.plus(Duration.ofDays(12));
    assertEquals(start, Renewal.renewAt(T0, notAfter, Duration.ofDays(30), start, end, 0.0));
    assertEquals(T0.plus(Duration.ofDays(11)), Renewal.renewAt(T0, notAfter, Duration.ofDays(30), start, end, 0.5));
    Instant late = T0.plus(Duration.ofDays(80));
    assertEquals(T0.plus(Duration.ofDays(60)), Renewal.renewAt(T0, notAfter, Duration.ofDays(30), late,
        late.plusSeconds(60), 0.5), "a later window does not postpone the configured renewal");
  }

  @Test
  void backoffDoublesToADaySpreadsByAQuarterAndHonoursRetryAfter() {
    Duration m = Duration.ofMinutes(1);
    assertEquals(Duration.ofSeconds(60), Renewal.backoff(1, m, null, T0, 0.5));
    assertEquals(Duration.ofSeconds(120), Renewal.backoff(2, m, null, T0, 0.5));
    assertEquals(Duration.ofSeconds(480), Renewal.backoff(4, m, null, T0, 0.5));
    assertEquals(Duration.ofSeconds(45), Renewal.backoff(1, m, null, T0, 0.0));
    assertEquals(Duration.ofMillis(74_999), Renewal.backoff(1, m, null, T0, 0.99999));
    assertEquals(Duration.ofHours(24), Renewal.backoff(40, m, null, T0, 0.5), "capped at a day");
    assertEquals(Duration.ofHours(3), Renewal.backoff(1, m, T0.plus(Duration.ofHours(3)), T0, 0.5),
        "a rate limit's Retry-After wins when later");
    assertEquals(Duration.ofSeconds(60), Renewal.backoff(1, m, T0.plusSeconds(5), T0, 0.5));
  }
}
