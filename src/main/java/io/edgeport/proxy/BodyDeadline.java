package io.edgeport.proxy;

import io.edgeport.config.LimitsConfig;

/**
 * How long a request body may take ({@link LimitsConfig#bodyTimeout()}, {@link LimitsConfig#minBodyRate()}): it
 * may pause at most the timeout between two reads, and must be whole within the timeout plus its bytes so far at
 * the minimum rate (Apache's {@code mod_reqtimeout} {@code body=T,MinRate=R}), so a byte every few seconds cannot
 * hold a request forever. Time in which the gateway itself stopped reading (back-pressure from the node) is not
 * counted against the client. Times are System.nanoTime(); one body at a time, used from one thread.
 */
final class BodyDeadline {
  private final long timeoutNanos;
  /** Nanoseconds of credit per byte received; 0: no rate rule. */
  private final double nanosPerByte;
  private long started;
  private long lastProgress;
  private long bytes;
  /** When the gateway stopped reading (0: it reads), and how long it held back before. */
  private long heldSince;
  private long held;

  BodyDeadline(LimitsConfig limits) {
    this.timeoutNanos = limits.bodyTimeout().toNanos();
    this.nanosPerByte = limits.minBodyRate() <= 0 ? 0 : 1e9 / limits.minBodyRate();
  }

  /** A body begins (with {@code bytes} of it in the read that began it). */
  void start(long now, long bytes) {
    started = now;
    lastProgress = now;
    this.bytes = bytes;
    heldSince = 0;
    held = 0;
  }

  void received(long now, long n) {
    bytes += n;
    lastProgress = now;
  }

  /** The gateway stopped reading the body: from now on the client is not waited for. */
  void holdBack(long now) {
    if (heldSince == 0) {
      heldSince = now;
    }
  }

  /** The gateway reads again: the pause starts afresh. */
  void resume(long now) {
    if (heldSince != 0) {
      held += now - heldSince;
      heldSince = 0;
      lastProgress = Math.max(lastProgress, now);
    }
  }

  boolean heldBack() {
    return heldSince != 0;
  }

  /** Nanoseconds until the body is too slow (while held back: the timeout, to look again then); 0 or less: it is. */
  long left(long now) {
    if (heldSince != 0) {
      return timeoutNanos;
    }
    long left = lastProgress + timeoutNanos - now;
    if (nanosPerByte > 0) {
      left = Math.min(left, started + timeoutNanos + held + (long) Math.min(bytes * nanosPerByte, 1e18) - now);
    }
    return left;
  }

  /** Why {@link #left} said so: which rule the body broke. */
  String reason(long now) {
    return lastProgress + timeoutNanos - now <= 0 ? "no body bytes within the body timeout"
        : "request body slower than limits.minBodyRate";
  }
}
