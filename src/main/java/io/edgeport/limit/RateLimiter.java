package io.edgeport.limit;

import io.edgeport.model.ClientRules.RateLimit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A rate limit per client in fixed memory: the generic cell rate algorithm (a token bucket kept as one
 * timestamp) over a table of {@link #SLOTS} cells, a client's cell picked by a salted hash of its
 * {@link ClientKey} (an IPv6 client's network, so that the addresses of one /64 share a budget). However
 * many addresses an attacker rotates through, the table does not grow (128 KiB per limited domain); the
 * price is that two clients sharing a cell share a budget, and the salt (new per process) keeps anyone
 * from choosing whose cell they share. Lock-free: one CAS per request.
 */
public final class RateLimiter {
  static final int SLOTS = 16_384;
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  private final RateLimit limit;
  private final int ipv6Prefix;
  /** Nanoseconds between two requests at the sustained rate. */
  private final long interval;
  /** How far ahead of now a cell's schedule may run: the burst. */
  private final long tolerance;
  private final long[] cells = new long[SLOTS];
  private final long salt = ThreadLocalRandom.current().nextLong();

  /** @param ipv6Prefix the prefix length that makes one IPv6 client ({@code limits.ipv6Prefix}) */
  public RateLimiter(RateLimit limit, int ipv6Prefix) {
    this.limit = limit;
    this.ipv6Prefix = ipv6Prefix;
    this.interval = Math.max(1, limit.per().toNanos() / limit.requests());
    this.tolerance = interval * (Math.max(limit.burst(), 1) - 1);
  }

  public RateLimit limit() {
    return limit;
  }

  public int ipv6Prefix() {
    return ipv6Prefix;
  }

  /**
   * Takes one request for {@code client} at {@code now} (System.nanoTime()).
   *
   * @return 0 when it may pass, else how many seconds until it may (for Retry-After)
   */
  public long acquire(String client, long now) {
    int slot = slot(client);
    while (true) {
      long cell = (long) CELLS.getVolatile(cells, slot);
      long tat = cell == 0 || cell - now < 0 ? now : cell; // the cell's schedule, never behind now
      if (tat - now > tolerance) {
        return Math.max(1, (tat - now - tolerance + 999_999_999L) / 1_000_000_000L);
      }
      long next = tat + interval;
      if (CELLS.compareAndSet(cells, slot, cell, next == 0 ? 1 : next)) {
        return 0;
      }
    }
  }

  int slot(String client) {
    return (int) ClientKey.hash(client, ipv6Prefix, salt) & (SLOTS - 1);
  }
}
