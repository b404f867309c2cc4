package io.edgeport.limit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open client connections of one listener (or one LoadBalancer Service port), in all and per client address,
 * against {@code maxConnections} and {@code maxConnectionsPerIp}. The per-address table holds only addresses with
 * open connections, so it is bounded by the connections themselves.
 */
public final class ConnectionLimiter {
  /** What {@link #admit} counted, to give back on close. */
  static final String NO_ADDRESS = "";

  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  /**
   * @param max        connections of the listener (0: no limit)
   * @param perAddress connections of one client address (0: no limit)
   * @return the key to {@link #release} with, or null when the connection is one too many
   */
  public String admit(String address, int max, int maxPerAddress) {
    if (max > 0 && open.incrementAndGet() > max) {
      open.decrementAndGet();
      return null;
    }
    if (max <= 0) {
      open.incrementAndGet();
    }
    if (maxPerAddress <= 0 || address == null) {
      return NO_ADDRESS;
    }
    AtomicInteger[] counted = new AtomicInteger[1];
    perAddress.compute(address, (a, n) -> {
      AtomicInteger c = n == null ? new AtomicInteger() : n;
      if (c.get() < maxPerAddress) {
        c.incrementAndGet();
        counted[0] = c;
      }
      return c.get() == 0 ? null : c;
    });
    if (counted[0] == null) {
      open.decrementAndGet();
      return null;
    }
    return address;
  }

  public void release(String key) {
    open.decrementAndGet();
    if (key != NO_ADDRESS) {
      perAddress.computeIfPresent(key, (a, c) -> c.decrementAndGet() == 0 ? null : c);
    }
  }

  int open() {
    return open.get();
  }
}
