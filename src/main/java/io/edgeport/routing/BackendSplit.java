package io.edgeport.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backends of one rule and how its requests are shared among them: the one backend, or (Gateway
 * API weights) each its weight's share. Shares are exact over every cycle of (sum of weights / their
 * gcd) requests and spread within it: request n takes the slot {@code n * stride mod total}, a stride
 * coprime with the total visiting every slot once per cycle in a scattered order.
 */
public final class BackendSplit {
  private final Backend[] backends;
  /** Upper bound (exclusive) of each backend's slots; null for one backend. */
  private final int[] slotEnds;
  private final long total;
  private final long stride;
  private final AtomicLong requests;

  /** @param backends null for one that cannot be used: its share gets no backend; @param weights each at least 0 */
  BackendSplit(List<Backend> backends, List<Integer> weights) {
    int gcd = 0;
    for (int w : weights) {
      gcd = gcd(gcd, w);
    }
    List<Backend> kept = new java.util.ArrayList<>();
    List<Integer> shares = new java.util.ArrayList<>();
    for (int i = 0; i < backends.size(); i++) {
      if (weights.get(i) > 0) { // weight 0: configured, but takes nothing
        kept.add(backends.get(i));
        shares.add(weights.get(i) / gcd);
      }
    }
    this.backends = kept.toArray(Backend[]::new);
    long sum = 0;
    int[] ends = new int[this.backends.length];
    for (int i = 0; i < ends.length; i++) {
      sum += shares.get(i);
      ends[i] = (int) Math.min(sum, Integer.MAX_VALUE);
    }
    this.total = sum;
    this.slotEnds = this.backends.length > 1 ? ends : null;
    this.stride = slotEnds == null ? 0 : coprimeStride(sum);
    this.requests = slotEnds == null ? null : new AtomicLong();
  }

  static BackendSplit of(Backend only) {
    return new BackendSplit(List.of(only), List.of(1));
  }

  /**
   * The backend for the next request, or null: none takes traffic (no backends, or all of weight 0), or this
   * request's share is an unusable backend's.
   */
  public Backend pick() {
    if (slotEnds == null) {
      return backends.length == 0 ? null : backends[0];
    }
    long slot = Math.floorMod(requests.getAndIncrement(), total) * stride % total;
    int i = 0;
    while (slot >= slotEnds[i]) {
      i++;
    }
    return backends[i];
  }

  /** The usable backends that take traffic, in order. */
  public List<Backend> all() {
    return java.util.Arrays.stream(backends).filter(java.util.Objects::nonNull).toList();
  }

  /** Near the golden section of the total (well spread), moved up until coprime with it. */
  private static long coprimeStride(long total) {
    long s = Math.max(1, Math.round(total * 0.618));
    while (gcd(s, total) != 1) {
      s++;
    }
    return s;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
