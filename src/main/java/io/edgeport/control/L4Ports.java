package io.edgeport.control;

import io.edgeport.cluster.ServiceEvents;
import io.edgeport.proxy.Generation;
import io.edgeport.tcp.TcpCounters;
import io.edgeport.tcp.TcpListeners;
import io.edgeport.translate.LoadBalancerTranslator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The TCP ports of LoadBalancer Services follow the published generation: each port it names listens with the
 * generation's target, at each address. A port that cannot be bound is logged, shown by status and reported as an
 * Event on its Service by this replica; the other ports serve. (A port refused because another Service has it is the
 * same on every replica: the Lease holder reports it, with the Service's status.) Used on the control context.
 */
public final class L4Ports {
  private final TcpListeners tcp;
  private final ControlLoop control;
  private volatile Map<TcpListeners.Bind, String> failures = Map.of();
  /** What to follow next, while the listeners still bind for the generation before (one apply at a time). */
  private Supplier<Future<Boolean>> pending;
  private Promise<Boolean> pendingDone;
  private boolean applying;

  public L4Ports(Vertx vertx, ControlLoop control) {
    this.tcp = new TcpListeners(vertx);
    this.control = control;
  }

  /**
   * Listens as {@code published} asks.
   *
   * @param l4 the L4 routes it was built from: the Service of each port, for its Events
   * @return completes once its ports are bound or have failed, with whether the failures changed (status shows
   *         them)
   */
  public Future<Boolean> follow(Generation published, LoadBalancerTranslator.Ports l4, ServiceEvents events) {
    if (applying) {
      pending = () -> follow(published, l4, events); // the latest wins
      pendingDone = pendingDone == null ? Promise.promise() : pendingDone;
      return pendingDone.future();
    }
    applying = true;
    return control.here(tcp.apply(published.tcp())).map(now -> {
      Map<TcpListeners.Bind, String> before = failures;
      failures = now;
      now.forEach((bind, why) -> {
        if (!why.equals(before.get(bind))) {
          l4.routes().stream().filter(r -> r.name().equals(published.tcp().get(bind).name())).findFirst()
              .ifPresent(r -> events.report(r.service(), "ListenFailed", "edgeport cannot listen on " + bind
                  + " for port " + r.port() + ": " + why));
        }
      });
      return !now.equals(before);
    }).onComplete(ar -> {
      applying = false;
      if (pending != null) {
        Supplier<Future<Boolean>> next = pending;
        Promise<Boolean> done = pendingDone;
        pending = null;
        pendingDone = null;
        next.get().onComplete(done);
      }
    });
  }

  /** The LoadBalancer ports that could not be bound, with why; readable from any thread. */
  public Map<TcpListeners.Bind, String> failures() {
    return failures;
  }

  /** What the LoadBalancer ports carried, per Service port. */
  public TcpCounters counters() {
    return tcp.counters();
  }

  /** Stops listening on every port. */
  public void close() {
    tcp.close();
  }
}
