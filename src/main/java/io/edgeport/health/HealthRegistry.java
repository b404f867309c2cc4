package io.edgeport.health;

import io.edgeport.balance.Endpoint;
import io.edgeport.model.BackendRef;
import io.edgeport.model.Domain;
import io.edgeport.routing.BackendResolver.Resolved;
import io.edgeport.routing.EndpointFilter;
import io.edgeport.routing.Resolutions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of every node for every check the routes need, and the endpoints that routing builds
 * on. It wraps the cluster source: given domains and nodes it runs one checker per distinct
 * {@link CheckKey}, keeps the checkers (and their state) of keys that survive an update, and
 * republishes (through {@link #onChange}) when a node's status changes. As an
 * {@link EndpointFilter} it hands out the nodes that should take traffic: the UP ones, or all of
 * them when none is UP (at start nothing is known yet; later, fail-open as cloud load balancers do).
 *
 * <p>All state is confined to one Vert.x context: {@link #update}, {@link #endpoints} and the
 * checkers run there; passive failures from the proxy's event loops hop onto it.
 */
public final class HealthRegistry implements EndpointFilter {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.health");

  private record EndpointKey(String node, int nodePort, CheckKey check) {}

  private final Vertx vertx;
  private final Context context;
  private final Probe probe;
  private final LongSupplier clock;
  private final Map<CheckKey, HealthChecker> checkers = new HashMap<>();
  private final Map<EndpointKey, Endpoint> endpoints = new HashMap<>();
  private Runnable onChange = () -> { };
  private int unknown;
  /** After the first round of checks at start: from then on a node entering service ramps up (slow start). */
  private boolean started;
  private Promise<Void> known;
  /** Mirror of every checker's state, readable from any thread (status API, passive failures). */
  private final Map<CheckKey, NodeReport> reports = new ConcurrentHashMap<>();
  private final LongAdder checksPassed = new LongAdder();
  private final LongAdder checksFailed = new LongAdder();
  private final LongAdder passiveEjections = new LongAdder();

  /** @param context where all health work runs (an event-loop context) */
  public HealthRegistry(Vertx vertx, Context context, Probe probe, LongSupplier clock) {
    this.vertx = vertx;
    this.context = context;
    this.probe = probe;
    this.clock = clock;
  }

  public Context context() {
    return context;
  }

  /** Called, on the context, after any node's status changed. */
  public void onChange(Runnable listener) {
    this.onChange = listener;
  }

  /**
   * Aligns the checkers with what the routes need now. Runs on the context. New keys are checked
   * at once; keys that stay keep their state; keys no longer needed are stopped.
   */
  public void update(List<Domain> domains, List<String> nodes, Resolutions resolutions) {
    update(domains, List.of(), nodes, resolutions);
  }

  /** @param more backends besides the domains' (the TCP ports of LoadBalancer Services), checked the same way */
  public void update(List<Domain> domains, List<BackendRef> more, List<String> nodes, Resolutions resolutions) {
    Map<BackendRef, String> backends = new LinkedHashMap<>(); // each distinct backend, with a Host to check it with
    for (Domain domain : domains) {
      String hostHeader = domain.isWildcard() ? domain.host().substring(2)
          : domain.host().equals(Domain.ANY_HOST) ? "localhost" : domain.host();
      domain.paths().forEach(rule -> rule.backendRefs().forEach(ref -> backends.putIfAbsent(ref, hostHeader)));
    }
    more.forEach(ref -> backends.putIfAbsent(ref, "localhost"));
    Map<CheckKey, String> wanted = new LinkedHashMap<>();
    backends.forEach((ref, hostHeader) -> {
      if (resolutions.get(ref) instanceof Resolved backend) {
        for (String node : nodes) {
          wanted.putIfAbsent(CheckKey.of(node, backend.nodePort(), backend.healthCheck()), hostHeader);
        }
      }
    });
    checkers.entrySet().removeIf(e -> {
      boolean gone = !wanted.containsKey(e.getKey());
      if (gone) {
        e.getValue().stop();
        if (e.getValue().health.status() == NodeHealth.Status.UNKNOWN) {
          unknown--;
        }
        reports.remove(e.getKey());
      }
      return gone;
    });
    endpoints.keySet().removeIf(k -> !checkers.containsKey(k.check()) || !wanted.containsKey(k.check()));
    for (Map.Entry<CheckKey, String> w : wanted.entrySet()) {
      checkers.computeIfAbsent(w.getKey(), key -> {
        HealthChecker c = new HealthChecker(key, w.getValue(), vertx, probe, clock, listener);
        reports.put(key, NodeReport.unknown(key));
        unknown++;
        c.start();
        return c;
      });
    }
  }

  @Override
  public List<Endpoint> endpoints(Resolved backend, List<String> nodes) {
    List<Endpoint> all = new ArrayList<>(nodes.size());
    List<Endpoint> up = new ArrayList<>(nodes.size());
    int nodePort = backend.nodePort();
    for (String node : nodes) {
      CheckKey key = CheckKey.of(node, nodePort, backend.healthCheck());
      HealthChecker checker = checkers.get(key);
      Endpoint endpoint = endpoints.computeIfAbsent(new EndpointKey(node, nodePort, key), k -> {
        Endpoint e = new Endpoint(node, nodePort, (ep, detail) -> passiveFailure(key, detail));
        if (checker != null && checker.rampStart != 0) {
          e.startRamp(checker.rampStart); // it entered service before routing asked for it
        }
        return e;
      });
      all.add(endpoint);
      if (checker != null && checker.health.status() == NodeHealth.Status.UP) {
        up.add(endpoint);
      }
    }
    return up.isEmpty() ? all : up;
  }

  /** From any thread: live traffic to the node of {@code key} failed. */
  void passiveFailure(CheckKey key, String detail) {
    NodeReport report = reports.get(key);
    if (report != null && report.status() == NodeHealth.Status.DOWN) {
      return; // already out: no need to queue work for every failing request
    }
    context.runOnContext(v -> {
      HealthChecker checker = checkers.get(key);
      if (checker != null && checker.passiveFailure(detail)) {
        passiveEjections.increment();
      }
    });
  }

  private final HealthChecker.Listener listener = new HealthChecker.Listener() {
    @Override
    public void probed(HealthChecker checker, Probe.Result result) {
      (result.ok() ? checksPassed : checksFailed).increment();
      reports.computeIfPresent(checker.key, (k, r) -> r.probed(result));
    }

    @Override
    public void changed(HealthChecker checker, NodeHealth.Transition t) {
      HealthRegistry.this.changed(checker, t);
    }
  };

  private void changed(HealthChecker checker, NodeHealth.Transition t) {
    if (t.to() == NodeHealth.Status.DOWN) {
      LOG.warn("node {} DOWN: {}", checker.key, t.reason());
    } else if (t.from() == NodeHealth.Status.UNKNOWN) {
      LOG.debug("node {} UP: {}", checker.key, t.reason());
    } else {
      LOG.info("node {} UP: {}", checker.key, t.reason());
    }
    reports.computeIfPresent(checker.key, (k, r) -> r.changed(t));
    if (t.to() == NodeHealth.Status.UP && (started || t.from() == NodeHealth.Status.DOWN)) {
      checker.rampStart = clock.getAsLong();
      endpoints.forEach((k, e) -> {
        if (k.check().equals(checker.key)) {
          e.startRamp(checker.rampStart);
        }
      });
    }
    if (t.from() == NodeHealth.Status.UNKNOWN && --unknown == 0 && known != null) {
      known.tryComplete();
    }
    onChange.run();
  }

  /**
   * Completes, on the context, once every checker has its first result or after {@code maxMillis}
   * (a probe that hangs is bounded by its timeout anyway). Lets a starting gateway route with real
   * health knowledge from its first request. Runs on the context.
   */
  public Future<Void> firstResults(long maxMillis) {
    known = Promise.promise();
    known.future().onComplete(done -> started = true);
    if (unknown == 0) {
      known.complete();
    } else {
      long timer = vertx.setTimer(maxMillis, id -> known.tryComplete());
      known.future().onComplete(done -> vertx.cancelTimer(timer));
    }
    return known.future();
  }

  /** Every checked node and check ({@code 127.0.0.3 on :30005}) with its status; safe from any thread. */
  public Map<String, NodeHealth.Status> statuses() {
    Map<String, NodeHealth.Status> out = new TreeMap<>();
    reports.forEach((k, r) -> out.put(k.toString(), r.status()));
    return out;
  }

  /** Active checks run so far that passed ({@code true}) or failed. */
  public long checks(boolean passed) {
    return (passed ? checksPassed : checksFailed).sum();
  }

  /** Nodes taken out of service because live traffic to them failed. */
  public long passiveEjections() {
    return passiveEjections.sum();
  }

  /** Every checked node and check with its state and last result; safe from any thread. */
  public Map<CheckKey, NodeReport> reports() {
    return Map.copyOf(reports);
  }

  /** Stops every checker. Runs on the context. */
  public void close() {
    checkers.values().forEach(HealthChecker::stop);
    checkers.clear();
    reports.clear();
  }
}
