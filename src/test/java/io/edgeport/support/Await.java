package io.edgeport.support;

import io.edgeport.Edgeport;
import io.edgeport.health.NodeHealth;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Waits on the gateway's own events (routing rebuilds), with a bound, never by sleeping. */
public final class Await {
  private Await() {}

  /** Until the gateway's node health satisfies {@code condition}. */
  public static void health(Edgeport gateway, Predicate<Map<String, NodeHealth.Status>> condition, long seconds)
      throws Exception {
    until(gateway, g -> condition.test(g.status().health()), seconds);
  }

  /** Until {@code condition} holds for the gateway, checked after each routing rebuild or source state change. */
  public static void until(Edgeport gateway, Predicate<Edgeport> condition, long seconds) throws Exception {
    CompletableFuture<Void> met = new CompletableFuture<>();
    try (AutoCloseable listening = gateway.addStateListener(() -> {
      if (condition.test(gateway)) {
        met.complete(null);
      }
    })) {
      if (condition.test(gateway)) {
        met.complete(null);
      }
      met.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("condition not met within " + seconds + " s; health " + gateway.status().health()
          + ", cluster " + gateway.status().cluster() + ", unavailable " + gateway.status().unavailable());
    }
  }

  /** Until the node checked as {@code key} (like {@code "127.0.0.3 on :30005 /healthz"}) has {@code status}. */
  public static void node(Edgeport gateway, String key, NodeHealth.Status status, long seconds) throws Exception {
    health(gateway, h -> h.get(key) == status, seconds);
  }
}
