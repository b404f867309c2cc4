package io.edgeport.health;

import io.edgeport.model.HealthCheck;
import java.util.concurrent.TimeUnit;

/**
 * The health state of one node for one check: active probe results and passive failures from real
 * traffic move it between UNKNOWN, UP and DOWN. Pure logic: time comes in as an argument, nothing
 * runs by itself, so every rule is testable without waiting. Not thread-safe; one owner drives it.
 *
 * <ul>
 *   <li>The first result decides at once: one success admits a new node, one failure keeps it out;
 *       until it has served once, one success admits it whenever it comes.</li>
 *   <li>An UP node leaves after {@code unhealthyThreshold} consecutive failures, or at once on a
 *       passive failure (a refused or timed-out request).</li>
 *   <li>A DOWN node returns after {@code healthyThreshold} consecutive successes, and after a passive
 *       ejection not before its back-off ends: one interval, doubling with each ejection that follows
 *       soon after the last, up to {@link #MAX_BACKOFF_NANOS}.</li>
 * </ul>
 */
public final class NodeHealth {

  public enum Status { UNKNOWN, UP, DOWN }

  /** A change of status, worth one log line. */
  public record Transition(Status from, Status to, String reason) {}

  static final long MAX_BACKOFF_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final HealthCheck check;
  private Status status = Status.UNKNOWN;
  private int successes;
  private int failures;
  private int ejections;
  private long ejectedUntil;
  private long upSince;
  private boolean everUp;

  public NodeHealth(HealthCheck check) {
    this.check = check;
  }

  public Status status() {
    return status;
  }

  /** Has it ever served? A node that has not is re-checked sooner after a failure. */
  public boolean everUp() {
    return everUp;
  }

  /** One active probe's result. */
  public Transition onProbe(boolean ok, String detail, long now) {
    if (ok) {
      failures = 0;
      successes++;
      return switch (status) {
        case UNKNOWN -> to(Status.UP, "first check passed", now);
        case DOWN -> !everUp ? to(Status.UP, "first check passed", now)
            : successes >= check.healthyThreshold() && now - ejectedUntil >= 0
                ? to(Status.UP, successes + "/" + check.healthyThreshold() + " checks passed", now) : null;
        case UP -> {
          if (ejections > 0 && now - upSince >= MAX_BACKOFF_NANOS) {
            ejections = 0; // stable for a long while: forgive earlier ejections
          }
          yield null;
        }
      };
    }
    successes = 0;
    failures++;
    return switch (status) {
      case UNKNOWN -> to(Status.DOWN, detail + " (first check)", now);
      case UP -> failures >= check.unhealthyThreshold()
          ? to(Status.DOWN, detail + " (" + failures + "/" + check.unhealthyThreshold() + ")", now) : null;
      case DOWN -> null;
    };
  }

  /** A request on real traffic could not connect or got no answer in time. */
  public Transition onPassiveFailure(String detail, long now) {
    if (status == Status.DOWN) {
      return null;
    }
    ejections++;
    long backoff = Math.min(MAX_BACKOFF_NANOS, check.interval().toNanos() << Math.min(ejections - 1, 20));
    ejectedUntil = now + backoff;
    successes = 0;
    failures = 0;
    return to(Status.DOWN, detail + " on live traffic (out for at least "
        + TimeUnit.NANOSECONDS.toMillis(backoff) + " ms)", now);
  }

  private Transition to(Status next, String reason, long now) {
    Transition t = new Transition(status, next, reason);
    status = next;
    if (next == Status.UP) {
      upSince = now;
      everUp = true;
    }
    return t;
  }
}
