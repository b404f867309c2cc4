package io.edgeport.proxy;

import io.vertx.core.Vertx;

/**
 * Response timeouts of one event loop without a timer per request. Every request waits the same
 * time, so the order in which requests start waiting is the order of their deadlines: a FIFO of
 * exchanges (linked through the exchanges themselves, so no allocation) and a single timer armed
 * for the oldest deadline. A response unlinks its exchange in O(1); the timer, when it fires,
 * expires what is due and re-arms for the new oldest. Used from its event loop only.
 */
final class ResponseDeadlines {
  private final Vertx vertx;
  private final long timeoutNanos;
  private ProxyExchange oldest;
  private ProxyExchange newest;
  private boolean armed;

  ResponseDeadlines(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutNanos = timeoutMillis * 1_000_000L;
  }

  long timeoutMillis() {
    return timeoutNanos / 1_000_000L;
  }

  void add(ProxyExchange e) {
    e.responseDeadline = System.nanoTime() + timeoutNanos;
    e.waitingNewer = null;
    e.waitingOlder = newest;
    if (newest != null) {
      newest.waitingNewer = e;
    } else {
      oldest = e;
    }
    newest = e;
    e.waiting = true;
    if (!armed) {
      arm(e.responseDeadline);
    }
  }

  void remove(ProxyExchange e) {
    if (!e.waiting) {
      return;
    }
    e.waiting = false;
    if (e.waitingOlder != null) {
      e.waitingOlder.waitingNewer = e.waitingNewer;
    } else {
      oldest = e.waitingNewer;
    }
    if (e.waitingNewer != null) {
      e.waitingNewer.waitingOlder = e.waitingOlder;
    } else {
      newest = e.waitingOlder;
    }
    e.waitingOlder = null;
    e.waitingNewer = null;
  }

  private void arm(long deadline) {
    armed = true;
    long delayMillis = Math.max(1, (deadline - System.nanoTime() + 999_999) / 1_000_000);
    vertx.setTimer(delayMillis, id -> expire());
  }

  private void expire() {
    armed = false;
    long now = System.nanoTime();
    while (oldest != null && oldest.responseDeadline - now <= 0) {
      ProxyExchange due = oldest;
      remove(due);
      due.responseTimedOut();
    }
    if (oldest != null) {
      arm(oldest.responseDeadline);
    }
  }
}
