package io.edgeport.health;

import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Runs one {@link CheckKey}'s probes: the first one right away (within a short jitter, so that
 * many new nodes do not all fire at once), then every interval ±10 %. One timer at a time, on the
 * registry's event loop; a stopped checker schedules nothing more and ignores late results.
 */
final class HealthChecker {
  interface Listener {
    void probed(HealthChecker checker, Probe.Result result);

    void changed(HealthChecker checker, NodeHealth.Transition transition);
  }

  private static final long FIRST_CHECK_JITTER_MILLIS = 100;
  private static final long NEW_NODE_RECHECK_MILLIS = 1000;

  final CheckKey key;
  final NodeHealth health;
  /** When it last entered service after the start (slow start begins there), or 0. */
  long rampStart;
  private final String hostHeader;
  private final Vertx vertx;
  private final Probe probe;
  private final LongSupplier clock;
  private final Listener listener;
  private long timer = -1;
  private boolean stopped;

  HealthChecker(CheckKey key, String hostHeader, Vertx vertx, Probe probe, LongSupplier clock, Listener listener) {
    this.key = key;
    this.health = new NodeHealth(key.check());
    this.hostHeader = hostHeader;
    this.vertx = vertx;
    this.probe = probe;
    this.clock = clock;
    this.listener = listener;
  }

  void start() {
    schedule(1 + ThreadLocalRandom.current().nextLong(FIRST_CHECK_JITTER_MILLIS));
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * Live traffic failed on this node.
   *
   * @return whether that took it out of service
   */
  boolean passiveFailure(String detail) {
    if (stopped) {
      return false;
    }
    NodeHealth.Transition t = health.onPassiveFailure(detail, clock.getAsLong());
    report(t);
    return t != null;
  }

  private void schedule(long delayMillis) {
    timer = vertx.setTimer(delayMillis, id -> runProbe());
  }

  private void runProbe() {
    timer = -1;
    if (stopped) {
      return;
    }
    probe.check(key, hostHeader).onComplete(ar -> {
      if (stopped) {
        return;
      }
      Probe.Result result = ar.succeeded() ? ar.result() : Probe.Result.failed(NetworkProbe.describe(ar.cause()));
      listener.probed(this, result);
      report(health.onProbe(result.ok(), result.detail(), clock.getAsLong()));
      long interval = key.check().interval().toMillis();
      if (!result.ok() && !health.everUp()) {
        // a node that never served (new, or slow at its first check) should not wait a whole interval to join
        interval = Math.min(interval, NEW_NODE_RECHECK_MILLIS);
      }
      schedule(Math.max(1, interval + ThreadLocalRandom.current().nextLong(-interval / 10, interval / 10 + 1)));
    });
  }

  private void report(NodeHealth.Transition transition) {
    if (transition != null) {
      listener.changed(this, transition);
    }
  }
}
