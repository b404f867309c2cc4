package io.edgeport.cluster;

import io.vertx.core.Vertx;

/**
 * Runs an action once, a short delay after the first of a burst of requests for it: a burst of
 * changes becomes one rebuild. Used from one event-loop context only.
 */
public final class Coalescer {
  private final Vertx vertx;
  private final long delayMillis;
  private final Runnable action;
  private boolean pending;

  public Coalescer(Vertx vertx, long delayMillis, Runnable action) {
    this.vertx = vertx;
    this.delayMillis = delayMillis;
    this.action = action;
  }

  /** Asks for a run; a run already pending covers this request too. */
  public void request() {
    if (!pending) {
      pending = true;
      vertx.setTimer(delayMillis, id -> {
        pending = false;
        action.run();
      });
    }
  }
}
