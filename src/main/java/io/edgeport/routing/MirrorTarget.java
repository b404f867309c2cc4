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

  public MirrorTarget(Backend backend, int numerator, int denominator) {
    this.backend = backend;
    this.numerator = numerator;
    this.denominator = denominator;
  }

  public Backend backend() {
    return backend;
  }

  /** Is the next request copied? */
  public boolean takesNext() {
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
