package io.edgeport.acme;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew and when to try again: pure arithmetic, so the schedule is tested exactly. Random draws come in as
 * arguments ({@code 0 <= random < 1}).
 */
public final class Renewal {
  /** A failed order is tried again after at most this long, however many failures came before. */
  static final Duration MAX_BACKOFF = Duration.ofHours(24);

  private Renewal() {}

  /**
   * The time to renew a certificate valid from {@code notBefore} to {@code notAfter}: {@code renewBefore} ahead of
   * its expiry, or with a third of its lifetime left when that is sooner (short-lived certificates), or inside the
   * window the CA suggests (RFC 9773, ACME Renewal Information) when that comes sooner still. Only the CA's window
   * may come before a third of the lifetime has been served.
   *
   * @param ariStart the CA's suggested window, or null when it offers none
   */
  public static Instant renewAt(Instant notBefore, Instant notAfter, Duration renewBefore, Instant ariStart,
      Instant ariEnd, double random) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    Instant own = notAfter.minus(renewBefore);
    Instant third = notAfter.minus(lifetime.dividedBy(3));
    Instant at = own.isBefore(third) ? own : third;
    // a renewBefore as long as the lifetime (the default 30d against a CA's one-day certificates) would renew each
    // certificate as soon as it is issued, for ever: the configured schedule waits for a third of it to be served
    Instant served = notBefore.plus(lifetime.dividedBy(3));
    if (at.isBefore(served)) {
      at = served;
    }
    if (ariStart != null && ariEnd != null && !ariEnd.isBefore(ariStart)) {
      // RFC 9773 §4.2: a uniformly random point in the window, so that the CA's clients spread out
      long span = Duration.between(ariStart, ariEnd).toMillis();
      Instant suggested = ariStart.plusMillis((long) (span * random));
      if (suggested.isBefore(at)) {
        at = suggested;
      }
    }
    return at;
  }

  /**
   * The wait before the next attempt after {@code failures} failed ones in a row (1 for the first): {@code first},
   * doubled with each further failure up to a day, spread by ±25% (replicas of many users do not retry in step),
   * and never before the CA's {@code Retry-After} (a rate limit says when).
   *
   * @param retryAfter when the CA said to come back, or null
   */
  public static Duration backoff(int failures, Duration first, Instant retryAfter, Instant now, double random) {
    Duration wait = first;
    for (int i = 1; i < failures && wait.compareTo(MAX_BACKOFF) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    if (wait.compareTo(MAX_BACKOFF) > 0) {
      wait = MAX_BACKOFF;
    }
    wait = Duration.ofMillis((long) (wait.toMillis() * (0.75 + 0.5 * random)));
    if (retryAfter != null && Duration.between(now, retryAfter).compareTo(wait) > 0) {
      wait = Duration.between(now, retryAfter);
    }
    return wait;
  }
}
