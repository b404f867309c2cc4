package io.edgeport.health;

import static io.edgeport.health.NodeHealth.Status.DOWN;
import static io.edgeport.health.NodeHealth.Status.UNKNOWN;
import static io.edgeport.health.NodeHealth.Status.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgeport.model.HealthCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The health state machine driven by scripted probe results and an injected clock: no waiting. */
class NodeHealthTest {
  static final long SECOND = 1_000_000_000L;
  static final HealthCheck CHECK =
      new HealthCheck("/healthz", null, Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3);

  /** Feeds results ('+' success, '-' failure, 'P' passive failure), one per interval; returns the status after each. */
  static List<NodeHealth.Status> run(NodeHealth h, String script) {
    List<NodeHealth.Status> out = new ArrayList<>();
    long now = 0;
    for (char c : script.toCharArray()) {
      now += 5 * SECOND;
      switch (c) {
        case '+' -> h.onProbe(true, "ok", now);
        case '-' -> h.onProbe(false, "HTTP 503", now);
        default -> h.onPassiveFailure("connect refused", now);
      }
      out.add(h.status());
    }
    return out;
  }

  @Test
  void theFirstResultDecidesAtOnce() {
    NodeHealth up = new NodeHealth(CHECK);
    assertEquals(UNKNOWN, up.status());
    assertEquals(List.of(UP), run(up, "+"));
    assertEquals(List.of(DOWN), run(new NodeHealth(CHECK), "-"), "a dead new node takes no traffic");
  }

  @Test
  void anUpNodeLeavesAfterUnhealthyThresholdConsecutiveFailures() {
    assertEquals(List.of(UP, UP, UP, UP, UP, UP, DOWN), run(new NodeHealth(CHECK), "+--+---"));
  }

  @Test
  void aDownNodeReturnsAfterHealthyThresholdConsecutiveSuccesses() {
    assertEquals(List.of(UP, UP, UP, DOWN, DOWN, DOWN, DOWN, UP), run(new NodeHealth(CHECK), "+---+-++"));
  }

  @Test
  void aNodeThatNeverServedIsAdmittedByOneSuccess() {
    assertEquals(List.of(DOWN, DOWN, UP), run(new NodeHealth(CHECK), "--+"), "slow or dead at first, then fine");
    assertEquals(List.of(DOWN, UP, UP, UP, DOWN, DOWN, UP), run(new NodeHealth(CHECK), "-+---++"),
        "once it served, healthyThreshold applies");
  }

  @Test
  void transitionsCarryTheReasonAndHappenOnce() {
    NodeHealth h = new NodeHealth(CHECK);
    h.onProbe(true, "ok", 0);
    assertNull(h.onProbe(false, "HTTP 503", 1));
    assertNull(h.onProbe(false, "HTTP 503", 2));
    assertEquals(new NodeHealth.Transition(UP, DOWN, "HTTP 503 (3/3)"), h.onProbe(false, "HTTP 503", 3));
    assertNull(h.onProbe(false, "HTTP 503", 4), "DOWN is reported once, not on every probe");
    assertNull(h.onProbe(true, "ok", 5));
    assertEquals(new NodeHealth.Transition(DOWN, UP, "2/2 checks passed"), h.onProbe(true, "ok", 6));
  }

  @Test
  void aPassiveFailureTakesANodeOutAtOnceAndActiveChecksBringItBack() {
    assertEquals(List.of(UP, DOWN, DOWN, UP), run(new NodeHealth(CHECK), "+P++"));
  }

  @Test
  void repeatedPassiveEjectionsBackOff() {
    NodeHealth h = new NodeHealth(CHECK);
    h.onProbe(true, "ok", 0);
    h.onPassiveFailure("connect refused", 0); // out for 1 interval (5 s)
    h.onProbe(true, "ok", 5 * SECOND);
    h.onProbe(true, "ok", 6 * SECOND);
    assertEquals(UP, h.status());
    NodeHealth.Transition t = h.onPassiveFailure("connect refused", 7 * SECOND); // again soon: 10 s
    assertEquals("connect refused on live traffic (out for at least 10000 ms)", t.reason());
    h.onProbe(true, "ok", 12 * SECOND);
    h.onProbe(true, "ok", 16 * SECOND);
    assertEquals(DOWN, h.status(), "two successes, but the back-off runs until 17 s");
    h.onProbe(true, "ok", 17 * SECOND);
    assertEquals(UP, h.status());
  }

  @Test
  void backOffIsForgivenAfterALongHealthyStretch() {
    NodeHealth h = new NodeHealth(CHECK);
    h.onProbe(true, "ok", 0);
    h.onPassiveFailure("x", 0);
    h.onProbe(true, "ok", 5 * SECOND);
    h.onProbe(true, "ok", 10 * SECOND); // UP at 10 s
    h.onProbe(true, "ok", 10 * SECOND + NodeHealth.MAX_BACKOFF_NANOS);
    assertEquals("x on live traffic (out for at least 5000 ms)",
        h.onPassiveFailure("x", 11 * SECOND + NodeHealth.MAX_BACKOFF_NANOS).reason());
  }

  @Test
  void aPassiveFailureOfADownNodeChangesNothing() {
    NodeHealth h = new NodeHealth(CHECK);
    h.onProbe(false, "timeout", 0);
    assertNull(h.onPassiveFailure("connect refused", 1));
  }
}
