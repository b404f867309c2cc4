package io.edgeport;

import io.edgeport.cluster.ClusterSnapshot;
import io.edgeport.cluster.Coalescer;
import io.edgeport.cluster.ServiceResolver;
import io.edgeport.cluster.StaticCluster;
import io.edgeport.cluster.kubernetes.KubernetesClients;
import io.edgeport.cluster.kubernetes.KubernetesSource;
import io.edgeport.config.DomainConfig;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.PathRule;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
  private static final long KUBERNETES_SYNC_MILLIS = 30_000;

  private final Vertx vertx;
  private final EdgeportConfig config;
  private final HealthRegistry health;
  private final NetworkProbe probe;
  private final AtomicReference<RouteTable> routes = new AtomicReference<>(RouteTable.EMPTY);
  private volatile Runnable onStateChange = () -> { };
  private volatile Map<String, NodeHealth.Status> routedHealth = Map.of();
  private volatile Map<String, String> unavailable = Map.of();
  private ClusterSnapshot cluster;
  private volatile ClusterSnapshot routedCluster;
  private List<DomainConfig> domains;
  private BackendResolver resolver;
  private KubernetesSource kubernetes;
  private final Coalescer rebuilds;
  private ProxyServer proxy;

  private Gateway(Vertx vertx, EdgeportConfig config) {
    this.vertx = vertx;
    this.config = config;
    Context context = vertx.getOrCreateContext();
    this.probe = new NetworkProbe(vertx);
    this.health = new HealthRegistry(vertx, context, probe, System::nanoTime);
    this.rebuilds = new Coalescer(vertx, REBUILD_DELAY_MILLIS, this::rebuild);
    health.onChange(rebuilds::request);
  }

  /**
   * Starts following the cluster, checking nodes, and listening.
   *
   * @param workers event loops that serve requests (each with its own listener and connection pool)
   */
  public static Future<Gateway> start(Vertx vertx, EdgeportConfig config, int workers) {
    Gateway gateway = new Gateway(vertx, config);
    Promise<Void> routed = Promise.promise();
    gateway.health.context().runOnContext(v -> gateway.followCluster()
        .compose(first -> gateway.health.firstResults(FIRST_CHECKS_MAX_MILLIS + longestCheckTimeout(gateway.domains)))
        .onComplete(known -> {
          if (known.failed()) {
            routed.fail(known.cause());
            return;
          }
          gateway.rebuild();
          routed.complete();
        }));
    return routed.future()
        .compose(v -> ProxyServer.start(vertx, config, workers, gateway.routes::get))
        .map(proxy -> {
          gateway.proxy = proxy;
          LOG.info("edgeport listening on http://{}:{} for {} domain(s) on {} node(s) ({} worker(s))",
              config.listen().bindHost(), proxy.port(), gateway.domains.size(), gateway.routedCluster.nodes().size(),
              workers);
          return gateway;
        })
        .recover(e -> gateway.close().transform(closed -> Future.failedFuture(e)));
  }

  private static long longestCheckTimeout(List<DomainConfig> domains) {
    return domains.stream().flatMap(d -> d.paths().stream())
        .mapToLong(p -> p.backend().healthCheck().timeout().toMillis()).max().orElse(0);
  }

  /** The static node list, or the Kubernetes source; its first snapshot is applied before this completes. */
  private Future<Void> followCluster() {
    if (config.kubernetes() == null) {
      clusterChanged(StaticCluster.from(config));
      return Future.succeededFuture();
    }
    kubernetes = new KubernetesSource(vertx, health.context(), config.kubernetes(),
        KubernetesClients.create(vertx, config.kubernetes()), this::clusterChanged, () -> onStateChange.run());
    return kubernetes.start(KUBERNETES_SYNC_MILLIS);
  }

  /** A new cluster snapshot (on the health context): re-aim the checkers, then rebuild routing. */
  private void clusterChanged(ClusterSnapshot next) {
    cluster = next;
    domains = mergedDomains(next);
    resolver = config.kubernetes() == null ? BackendResolver.STATIC : new ServiceResolver(next, config.kubernetes());
    health.update(domains, next.nodes(), resolver);
    rebuilds.request();
  }

  /** The config's domains, then the Ingress ones whose host the config does not claim. */
  private List<DomainConfig> mergedDomains(ClusterSnapshot snapshot) {
    if (snapshot.ingressDomains().isEmpty()) {
      return config.domains();
    }
    List<DomainConfig> all = new ArrayList<>(config.domains());
    Set<String> taken = new HashSet<>();
    config.domains().forEach(d -> taken.add(d.host()));
    for (DomainConfig d : snapshot.ingressDomains()) {
      if (taken.add(d.host())) {
        all.add(d);
      } else if (!config.domains().contains(d)) {
        LOG.debug("ingress host {} is configured in the config file, which wins", d.host());
      }
    }
    return all;
  }

  private void rebuild() {
    Map<String, NodeHealth.Status> healthNow = health.statuses();
    routes.set(RouteTableBuilder.build(domains, cluster.nodes(), resolver, health));
    routedHealth = healthNow;
    routedCluster = cluster;
    logUnavailable();
    onStateChange.run();
  }

  /** Domains that cannot serve (their requests get 503) are logged once per reason. */
  private void logUnavailable() {
    Map<String, String> now = new TreeMap<>();
    for (DomainConfig d : domains) {
      for (PathRule rule : d.paths()) {
        if (resolver.resolve(rule.backend()) instanceof BackendResolver.Unavailable u) {
          now.put(d.host() + (rule.path().equals("/") ? "" : " " + rule.path()), u.reason());
        }
      }
    }
    Map<String, String> before = unavailable;
    now.forEach((route, why) -> {
      if (!why.equals(before.get(route))) {
        LOG.warn("domain {} answers 503: {}", route, why);
      }
    });
    before.keySet().stream().filter(r -> !now.containsKey(r)).forEach(r -> LOG.info("domain {} serves again", r));
    unavailable = Map.copyOf(now);
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

  /** Domains (and paths) that answer 503 now, with why. */
  public Map<String, String> unavailableRoutes() {
    return unavailable;
  }

  /** The cluster as the current routing snapshot reflects it: nodes, excluded nodes with reasons, Services. */
  public ClusterSnapshot cluster() {
    return routedCluster;
  }

  /** "static", "connected" or "disconnected since …". */
  public String clusterSourceState() {
    return kubernetes == null ? "static" : kubernetes.apiState();
  }

  /** Runs after every routing rebuild and cluster-source state change (on the health context); for status and tests. */
  public void onStateChange(Runnable listener) {
    this.onStateChange = listener;
  }

  public Future<Void> close() {
    Promise<Void> stopped = Promise.promise();
    health.context().runOnContext(v -> {
      if (kubernetes != null) {
        kubernetes.close();
      }
      health.close();
      stopped.complete();
    });
    Future<Void> proxyStopped = proxy == null ? Future.succeededFuture() : proxy.close();
    return proxyStopped.compose(v -> stopped.future()).compose(v -> probe.close());
  }
}
