package io.edgeport;

import io.edgeport.cluster.ClusterSnapshot;
import io.edgeport.cluster.StaticCluster;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.health.HealthRegistry;
import io.edgeport.health.NetworkProbe;
import io.edgeport.health.NodeHealth;
import io.edgeport.proxy.ProxyServer;
import io.edgeport.routing.BackendResolver;
import io.edgeport.routing.RouteTable;
import io.edgeport.routing.RouteTableBuilder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edgeport. Data flows one way: the cluster source and the health registry feed an
 * immutable {@link RouteTable} that the proxy reads with one atomic load per request. Rebuilds run
 * on the registry's context, a few milliseconds after a change, so a burst of changes is one
 * rebuild.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final long REBUILD_DELAY_MILLIS = 5;
  /** Beyond the check timeout: the first checks' start jitter and scheduling. */
  private static final long FIRST_CHECKS_MAX_MILLIS = 250;

  private final EdgeportConfig config;
  private final ClusterSnapshot cluster;
  private final HealthRegistry health;
  private final NetworkProbe probe;
  private final AtomicReference<RouteTable> routes = new AtomicReference<>(RouteTable.EMPTY);
  private volatile Runnable afterRebuild = () -> { };
  private volatile Map<String, NodeHealth.Status> routedHealth = Map.of();
  private boolean rebuildPending;
  private ProxyServer proxy;

  private Gateway(Vertx vertx, EdgeportConfig config) {
    this.config = config;
    this.cluster = StaticCluster.from(config);
    Context context = vertx.getOrCreateContext();
    this.probe = new NetworkProbe(vertx);
    this.health = new HealthRegistry(vertx, context, probe, System::nanoTime);
    health.onChange(() -> {
      if (!rebuildPending) {
        rebuildPending = true;
        vertx.setTimer(REBUILD_DELAY_MILLIS, id -> {
          rebuildPending = false;
          rebuild();
        });
      }
    });
  }

  /**
   * Starts checking nodes and listening.
   *
   * @param workers event loops that serve requests (each with its own listener and connection pool)
   */
  public static Future<Gateway> start(Vertx vertx, EdgeportConfig config, int workers) {
    Gateway gateway = new Gateway(vertx, config);
    Promise<Void> routed = Promise.promise();
    gateway.health.context().runOnContext(v -> {
      gateway.health.update(config.domains(), gateway.cluster.nodes(), BackendResolver.STATIC);
      // Serve from the first request with what the first round of checks found (bounded by the longest check).
      gateway.health.firstResults(FIRST_CHECKS_MAX_MILLIS + config.domains().stream()
              .flatMap(d -> d.paths().stream()).mapToLong(p -> p.backend().healthCheck().timeout().toMillis())
              .max().orElse(0))
          .onComplete(known -> {
            gateway.rebuild();
            routed.complete();
          });
    });
    return routed.future()
        .compose(v -> ProxyServer.start(vertx, config, workers, gateway.routes::get))
        .map(proxy -> {
          gateway.proxy = proxy;
          LOG.info("edgeport listening on http://{}:{} for {} domain(s) on {} node(s) ({} worker(s))",
              config.listen().bindHost(), proxy.port(), config.domains().size(), gateway.cluster.nodes().size(),
              workers);
          return gateway;
        });
  }

  private void rebuild() {
    Map<String, NodeHealth.Status> healthNow = health.statuses();
    routes.set(RouteTableBuilder.build(config.domains(), cluster.nodes(), BackendResolver.STATIC, health));
    routedHealth = healthNow;
    afterRebuild.run();
  }

  /** The port it listens on (the actual one when the config asked for port 0). */
  public int port() {
    return proxy.port();
  }

  /**
   * Every checked node and check with its health, e.g. {@code "127.0.0.3 on :30005" -> DOWN}, as the
   * current routing snapshot reflects it.
   */
  public Map<String, NodeHealth.Status> nodeHealth() {
    return routedHealth;
  }

  /** Runs after every routing rebuild (on the health context); for status views and tests. */
  public void afterRebuild(Runnable listener) {
    this.afterRebuild = listener;
  }

  public Future<Void> close() {
    Promise<Void> stopped = Promise.promise();
    health.context().runOnContext(v -> {
      health.close();
      stopped.complete();
    });
    return proxy.close().compose(v -> stopped.future()).compose(v -> probe.close());
  }
}
