package io.edgeport.balance;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many retries a backend may make: at most {@code percent} of its requests over the last
 * {@link #WINDOW_SECONDS} seconds, plus {@code minPerSecond} per second of the window (so a backend
 * with little traffic can still retry a few), as Finagle's and Envoy's budgets do. When the nodes
 * fail every request, this keeps the load they see near the load clients send, instead of
 * multiplying it by the number of attempts.
 *
 * <p>Counts sit in one-second slots of a ring, shared by the event loops: one atomic increment per
 * request. A slot is recycled when its second comes round again; a race at that moment may lose a
 * count, which a budget can afford. Time comes in as an argument, so the rules are testable.
 */
public final class RetryBudget {
  public static final int WINDOW_SECONDS = 10;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int percent;
  private final long reserve;
  private final AtomicLongArray seconds = new AtomicLongArray(WINDOW_SECONDS);
  private final AtomicLongArray requests = new AtomicLongArray(WINDOW_SECONDS);
  private final AtomicLongArray retries = new AtomicLongArray(WINDOW_SECONDS);

  public RetryBudget(int percent, int minPerSecond) {
    this.percent = percent;
    this.reserve = (long) minPerSecond * WINDOW_SECONDS;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      seconds.set(i, Long.MIN_VALUE);
    }
  }

  /** A request to the backend started (its first try). */
  public void request(long nowNanos) {
    requests.incrementAndGet(slot(nowNanos));
  }

  /**
   * Asks to retry once; when the budget allows it, the retry is counted.
   *
   * @return false when the backend has used its retries for now: the failure goes to the client
   */
  public boolean tryRetry(long nowNanos) {
    int current = slot(nowNanos);
    long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
    long recentRequests = 0;
    long recentRetries = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      long slotSecond = seconds.get(i);
      if (slotSecond != Long.MIN_VALUE && second - slotSecond < WINDOW_SECONDS) {
        recentRequests += requests.get(i);
        recentRetries += retries.get(i);
      }
    }
    if (recentRetries * 100 >= recentRequests * percent + reserve * 100) {
      return false;
    }
    retries.incrementAndGet(current);
    return true;
  }

  private int slot(long nowNanos) {
    long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
    int i = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
    long seen = seconds.get(i);
    if (seen != second && seconds.compareAndSet(i, seen, second)) {
      requests.set(i, 0); // the slot's second came round again: start it afresh
      retries.set(i, 0);
    }
    return i;
  }
}
