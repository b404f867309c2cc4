package io.edgeport.routing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A RequestMirror filter as the request path uses it: the backend that gets the copies and which requests are copied.
 * Of every {@code denominator} requests exactly {@code numerator} are, spread evenly (request k is copied when
 * {@code floor((k+1)·n/d) > floor(k·n/d)}), so a 1 % mirror sees one request in a hundred, not a random burst.
 */
public final class MirrorTarget {
  private final Backend backend;
  private final long numerator;
  private final long denominator;
  private final AtomicLong requests = new AtomicLong();
  /**
   * A mirror that refuses connections is paused (no copies) after each failed connect, 100 ms doubled per failure in
   * a row up to 10 s, until a copy gets through: each copy to it would only pay a failed connect (it doubled the
   * proxy's CPU per request), and nobody waits for a mirror's answer. Written by every event loop, racily: a copy more
   * or less is no matter.
   */
  private volatile long pausedUntil;
  private volatile int failuresInARow;
  private static final long FIRST_PAUSE_NANOS = 100_000_000L;
  private static final long LONGEST_PAUSE_NANOS = 10_000_000_000L;

  public MirrorTarget(Backend backend, int numerator, int denominator) {
    this.backend = backend;
    this.numerator = numerator;
    this.denominator = denominator;
  }

  public Backend backend() {
    return backend;
  }

  /** A copy's connect failed at {@code now} (System.nanoTime()): no copies for a while. */
  public void connectFailed(long now) {
    int n = Math.min(failuresInARow + 1, 30);
    failuresInARow = n;
    pausedUntil = now + Math.min(LONGEST_PAUSE_NANOS, FIRST_PAUSE_NANOS << Math.min(n - 1, 7));
  }

  /** A copy got through: copies go at their share again. */
  public void connected() {
    if (failuresInARow != 0) {
      failuresInARow = 0;
      pausedUntil = 0;
    }
  }

  /** Is the next request copied (at {@code now}, System.nanoTime())? */
  public boolean takesNext(long now) {
    if (pausedUntil != 0 && now - pausedUntil < 0) {
      return false;
    }
    if (numerator >= denominator) {
      return true;
    }
    if (numerator <= 0) {
      return false;
    }
    long k = Math.floorMod(requests.getAndIncrement(), denominator);
    return (k + 1) * numerator / denominator > k * numerator / denominator;
  }
}
