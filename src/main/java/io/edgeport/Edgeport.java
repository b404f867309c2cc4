package io.edgeport;

import io.edgeport.balance.RetryBudget;
import io.edgeport.cluster.Coalescer;
import io.edgeport.cluster.kubernetes.KubernetesClients;
import io.edgeport.cluster.kubernetes.KubernetesSource;
import io.edgeport.config.AccessLogConfig;
import io.edgeport.config.ConfigFileWatcher;
import io.edgeport.config.Durations;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.config.ShutdownConfig;
import io.edgeport.control.ServiceResolver;
import io.edgeport.health.HealthRegistry;
import io.edgeport.health.NetworkProbe;
import io.edgeport.health.NodeHealth;
import io.edgeport.limit.DomainGate;
import io.edgeport.limit.RateLimiter;
import io.edgeport.model.BackendRef;
import io.edgeport.model.ClientRules;
import io.edgeport.model.ClusterState;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.model.L4Route;
import io.edgeport.model.PathRule;
import io.edgeport.proxy.AccessLog;
import io.edgeport.proxy.Forwarding;
import io.edgeport.proxy.Generation;
import io.edgeport.proxy.ListenerSettings;
import io.edgeport.proxy.ProxyServer;
import io.edgeport.proxy.Traffic;
import io.edgeport.routing.Backend;
import io.edgeport.routing.BackendResolver;
import io.edgeport.routing.Resolutions;
import io.edgeport.routing.RouteTableBuilder;
import io.edgeport.tcp.TcpCounters;
import io.edgeport.tcp.TcpListeners;
import io.edgeport.tcp.TcpTarget;
import io.edgeport.tls.CertificateLoader;
import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.edgeport.translate.LoadBalancerTranslator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edgeport. Data flows one way: the config (a source like any other: it can be reloaded),
 * the cluster source and the health registry feed one immutable {@link Generation} that the proxy
 * reads with one atomic load per request. All control work (applying a config, rebuilding) runs on
 * the registry's context, so a burst of changes is one rebuild and no two changes interleave.
 */
public final class Edgeport {
  private static final Logger LOG = LoggerFactory.getLogger(Edgeport.class);
  private static final long REBUILD_DELAY_MILLIS = 5;
  /** Beyond the check timeout: the first checks' start jitter and scheduling. */
  private static final long FIRST_CHECKS_MAX_MILLIS = 250;
  private static final long KUBERNETES_SYNC_MILLIS = 30_000;

  /**
   * Something that follows the config beside the proxy (the admin listener). {@link #configure}
   * runs before a config is committed; when it fails the whole config is refused, so it must leave
   * its previous state serving on failure.
   */
  public interface Extension {
    Future<Void> configure(Edgeport gateway, EdgeportConfig next);

    Future<Void> close();
  }

  /** The outcome of the last config applied or refused. */
  public record ReloadResult(boolean ok, Instant at, String source, String error) {}

  private final Vertx vertx;
  private final int workers;
  private final HealthRegistry health;
  private final NetworkProbe probe;
  private final Coalescer rebuilds;
  private final AtomicReference<Generation> generation = new AtomicReference<>(Generation.NONE);
  private final List<Runnable> stateListeners = new CopyOnWriteArrayList<>();
  private final List<Extension> extensions = new CopyOnWriteArrayList<>();
  private final Traffic traffic = new Traffic();
  private final LongAdder accessLogDropped = new LongAdder();
  private final LongAdder reloadsApplied = new LongAdder();
  private final LongAdder reloadsRefused = new LongAdder();
  // Control state, confined to the health context.
  private EdgeportConfig config;
  private ClusterState cluster;
  private KubernetesSource kubernetes;
  private List<Domain> domains = List.of();
  private Resolutions resolutions;
  /** The ports of LoadBalancer Services served (kubernetes.loadBalancer), as of the last cluster change. */
  private List<L4Route> loadBalancerPorts = List.of();
  private final TcpListeners tcp;
  /** The UDP/SCTP ports of served LoadBalancer Services already logged as not served. */
  private Set<String> notRelayedLogged = Set.of();
  /** Each LoadBalancer port that could not be bound, with why; and the last set reported. */
  private volatile Map<TcpListeners.Bind, String> tcpFailures = Map.of();
  private final Map<BackendRef, RetryBudget> budgets = new HashMap<>();
  private final Map<String, RateLimiter> rateLimiters = new HashMap<>();
  private ProxyServer proxy;
  private ProxyServer httpsProxy;
  /** The config's certificates (files), the cluster's (Ingress TLS), and both as served. */
  private Certificates configCertificates = Certificates.NONE;
  private List<ServedCertificate> clusterCertificates = List.of();
  private Certificates certificates = Certificates.NONE;
  private ConfigFileWatcher certificateWatcher;
  private AccessLog accessLog;
  private Future<Void> applying = Future.succeededFuture();
  // Published for status and tests, readable from any thread.
  private volatile View view;
  private volatile ReloadResult lastReload;
  private volatile Map<String, String> unavailable = Map.of();
  private List<String> conflicts = List.of();
  private volatile boolean ready;

  /**
   * What the current generation was built from: for status and tests.
   *
   * @param health every checked node and check with its status, as the generation reflects it
   * @param conflicts hosts that two sources ask for, and which one won (the config file, then Ingresses, then
   *                  Gateway API routes)
   */
  public record View(long version, EdgeportConfig config, ClusterState cluster, List<Domain> domains,
      Resolutions resolutions, Map<String, NodeHealth.Status> health, List<String> conflicts) {}

  private Edgeport(Vertx vertx, int workers) {
    this.vertx = vertx;
    this.workers = workers;
    Context context = vertx.getOrCreateContext();
    this.probe = new NetworkProbe(vertx);
    this.health = new HealthRegistry(vertx, context, probe, System::nanoTime);
    this.rebuilds = new Coalescer(vertx, REBUILD_DELAY_MILLIS, this::rebuild);
    this.tcp = new TcpListeners(vertx);
    health.onChange(rebuilds::request);
  }

  /**
   * Starts following the cluster, checking nodes, and listening.
   *
   * @param workers    event loops that serve requests (each with its own listener and connection pool)
   * @param extensions started with the config once the proxy listens, and told of every reload
   */
  public static Future<Edgeport> start(Vertx vertx, EdgeportConfig config, int workers, Extension... extensions) {
    Edgeport gateway = new Edgeport(vertx, workers);
    gateway.extensions.addAll(List.of(extensions));
    return gateway.onControl(() -> gateway.loadCertificates(config).compose(c -> gateway.apply(config, c, "start")))
        .map(v -> {
          gateway.ready = true;
          LOG.info("edgeport listening on http://{}:{}{} for {} domain(s) on {} node(s) ({} worker(s))",
              config.listen().http().bindHost(), gateway.proxy.port(), gateway.httpsProxy == null ? ""
                  : " and https://" + config.listen().https().bindHost() + ":" + gateway.httpsProxy.port(),
              gateway.domains.size(), gateway.cluster.nodes().size(), workers);
          gateway.notifyState();
          return gateway;
        })
        .recover(e -> gateway.close().transform(closed -> Future.failedFuture(e)));
  }

  /**
   * Applies a new config as one step: a new generation, the listener moved only if its address
   * changed, the cluster source switched only if its section changed, and health
   * state kept for nodes that stay. When any part cannot be applied (a port that cannot be bound,
   * an unreachable API server) nothing of it is, and the old config keeps serving.
   *
   * @param source what asked for it, for status ("file change", "SIGHUP")
   */
  public Future<Void> reload(EdgeportConfig next, String source) {
    return onControl(() -> reloadStep(next, source));
  }

  /** A reload as one control step (after every step queued before it). */
  private Future<Void> reloadStep(EdgeportConfig next, String source) {
    return loadCertificates(next).transform(loaded -> {
      if (loaded.succeeded() && next.equals(config) && loaded.result().sameAs(configCertificates)) {
        LOG.info("config reload ({}): unchanged", source);
        lastReload = new ReloadResult(true, Instant.now(), source, null);
        notifyState();
        return Future.succeededFuture();
      }
      Future<Void> applied = loaded.succeeded() ? apply(next, loaded.result(), source) : refused(source, loaded.cause());
      return applied.onComplete(ar -> {
        if (ar.succeeded()) {
          LOG.info("config reloaded ({}): generation {}, {}", source, generation.get().version(), next.summary());
        } else {
          LOG.error("config reload ({}) refused, the previous config keeps serving: {}", source, describe(ar.cause()));
        }
      });
    });
  }

  /** Reads and checks the config's certificate files (blocking, so on a worker thread). */
  private Future<Certificates> loadCertificates(EdgeportConfig next) {
    Certificates previous = configCertificates;
    return vertx.executeBlocking(() -> CertificateLoader.load(next.tls(), previous, Instant.now()), false);
  }

  /** The outcome of a config that could not be read (syntax or validation errors): kept for status. */
  public void reloadRefused(String source, String error) {
    lastReload = new ReloadResult(false, Instant.now(), source, error);
    reloadsRefused.increment();
    notifyState();
  }

  /** Runs {@code step} on the control context after every step queued before it. */
  private <T> Future<T> onControl(Supplier<Future<T>> step) {
    Promise<T> done = Promise.promise();
    health.context().runOnContext(v -> {
      Future<T> result = applying.transform(ignored -> step.get());
      applying = result.transform(ignored -> Future.succeededFuture());
      result.onComplete(done);
    });
    return done.future();
  }

  private Future<Void> apply(EdgeportConfig next, Certificates nextCertificates, String source) {
    AccessLog nextLog;
    try {
      nextLog = openAccessLog(next.accessLog());
    } catch (IOException e) {
      return refused(source, new IllegalStateException("accessLog: cannot open " + next.accessLog().file() + ": "
          + e.getMessage(), e));
    }
    boolean sourceChanges = config == null || !Objects.equals(config.kubernetes(), next.kubernetes());
    Future<KubernetesSource> nextSource;
    if (!sourceChanges) {
      nextSource = Future.succeededFuture(kubernetes);
    } else {
      nextSource = next.kubernetes() != null ? startKubernetes(next) : Future.succeededFuture(null);
    }
    return nextSource.compose(src -> {
      Future<ProxyServer> nextHttp = prepareListener(proxy, ListenerSettings.http(next));
      Future<ProxyServer> nextHttps = prepareListener(httpsProxy, ListenerSettings.https(next));
      return Future.join(nextHttp, nextHttps).compose(v -> configureExtensions(next))
          .recover(e -> closeUnused(nextHttp, proxy).transform(v -> closeUnused(nextHttps, httpsProxy))
              .transform(v -> Future.failedFuture(e)))
          .compose(v -> commit(next, src, nextHttp.result(), nextHttps.result(), nextLog, nextCertificates))
          .onFailure(e -> {
            if (src != null && src != kubernetes) {
              src.close();
            }
          });
    }).onFailure(e -> {
      if (nextLog != null && nextLog != accessLog) {
        nextLog.close(); // refused: it never served
      }
    }).onComplete(ar -> {
      lastReload = new ReloadResult(ar.succeeded(), Instant.now(), source, ar.failed() ? describe(ar.cause()) : null);
      if (!source.equals("start")) {
        (ar.succeeded() ? reloadsApplied : reloadsRefused).increment();
      }
    });
  }

  /**
   * The listener a reload needs: the current one when its address stays (Vert.x's shutdown of a replaced
   * listener could close a connection it accepted a moment before, whose request it had not read yet: a reload
   * must not cost that request), a new one bound for a new address, or none. At the start (no config yet),
   * none: {@link #commit} binds once the first health checks are in.
   */
  private Future<ProxyServer> prepareListener(ProxyServer current, ListenerSettings wanted) {
    if (config == null || wanted == null) {
      return Future.succeededFuture(null);
    }
    if (current != null && current.settings().address().equals(wanted.address())) {
      if (!current.settings().equals(wanted)) {
        LOG.warn("{} listener: timeouts.idle ({}), listen.h2c or listen.proxyProtocol changed: that applies once the"
            + " listener moves to another address or at the next restart; it keeps its sockets", wanted.scheme(),
            Durations.format(wanted.idle()));
      }
      return Future.succeededFuture(current);
    }
    return ProxyServer.start(vertx, wanted, workers, generation::get, traffic);
  }

  /** Closes a listener bound for a config that was refused after all. */
  private static Future<Void> closeUnused(Future<ProxyServer> prepared, ProxyServer current) {
    ProxyServer p = prepared.succeeded() ? prepared.result() : null;
    return p != null && p != current ? p.close(Duration.ZERO) : Future.succeededFuture();
  }

  private Future<Void> refused(String source, Throwable why) {
    lastReload = new ReloadResult(false, Instant.now(), source, describe(why));
    reloadsRefused.increment();
    return Future.failedFuture(why);
  }

  /** The access log the config asks for: the open one when unchanged, a new one, or null when off. */
  private AccessLog openAccessLog(AccessLogConfig wanted) throws IOException {
    if (wanted == null) {
      return null;
    }
    if (accessLog != null && accessLog.config().equals(wanted)) {
      return accessLog;
    }
    return AccessLog.open(wanted, accessLogDropped);
  }

  private Future<Void> configureExtensions(EdgeportConfig next) {
    Future<Void> chain = Future.succeededFuture();
    for (Extension e : extensions) {
      chain = chain.compose(v -> e.configure(this, next));
    }
    return chain;
  }

  /**
   * Past the point of no return: nothing below can fail a reload. (At the start, binding the listener
   * can still fail; then the start fails as a whole.)
   */
  private Future<Void> commit(EdgeportConfig next, KubernetesSource nextSource, ProxyServer nextHttp,
      ProxyServer nextHttps, AccessLog nextLog, Certificates nextCertificates) {
    EdgeportConfig previous = config;
    config = next;
    configCertificates = nextCertificates;
    certificates = Certificates.of(configCertificates, clusterCertificates);
    watchCertificates(next);
    if (nextLog != accessLog) {
      AccessLog old = accessLog;
      accessLog = nextLog;
      if (old != null) {
        // requests of the previous generation may still finish and log: close once they are done
        vertx.setTimer(previous.timeouts().response().toMillis() + 1000, id -> old.close());
      }
    }
    if (nextSource != kubernetes) {
      if (kubernetes != null) {
        kubernetes.close();
        LOG.info("kubernetes: stopped following the API");
      }
      kubernetes = nextSource;
    }
    // a reload's listeners are bound already: Edgeport listeners are checked against their ports (the start's, below)
    ClusterState snapshot = kubernetes == null ? new ClusterState(next.nodes())
        : previous == null ? kubernetes.current() : listeningOn(nextHttp, nextHttps);
    clusterChanged(snapshot);
    return health.firstResults(FIRST_CHECKS_MAX_MILLIS + longestCheckTimeout(domains)).compose(known -> {
      rebuild();
      if (previous == null) {
        ListenerSettings https = ListenerSettings.https(next);
        return ProxyServer.start(vertx, ListenerSettings.http(next), workers, generation::get, traffic)
            .compose(px -> {
              proxy = px;
              return https == null ? Future.succeededFuture()
                  : ProxyServer.start(vertx, https, workers, generation::get, traffic).map(s -> {
                    httpsProxy = s;
                    rebuild(); // redirects name its actual port (a config's port 0 picks one)
                    return null;
                  });
            }).map(v -> {
              ClusterState bound = kubernetes == null ? cluster : listeningOn(proxy, httpsProxy);
              if (bound != cluster) {
                clusterChanged(bound); // a port 0 picked a port that a Edgeport listener names
              }
              return null;
            });
      }
      proxy = swap(proxy, nextHttp, previous);
      httpsProxy = swap(httpsProxy, nextHttps, previous);
      rebuild();
      return Future.succeededFuture();
    });
  }

  /** The cluster as the Kubernetes source sees it with these listeners: their ports are the Edgeport listeners'. */
  private ClusterState listeningOn(ProxyServer http, ProxyServer https) {
    return kubernetes.listeningOn(http.port(), https == null ? 0 : https.port());
  }

  /** The listener {@code next} takes over from {@code old} (which drains), or the same one. */
  private static ProxyServer swap(ProxyServer old, ProxyServer next, EdgeportConfig previous) {
    if (old != null && old != next) {
      LOG.info("{} listener {} {}; the old one drains", old.settings().scheme(),
          next == null ? "at " + old.settings().address() + " closed" : "moved from " + old.settings().address(),
          next == null ? "" : "to " + next.settings().address());
      old.close(previous.shutdown().drain());
    }
    return next;
  }

  /** Follows the certificate files of the current config: a renewal (certbot, cert-manager) is a reload. */
  private void watchCertificates(EdgeportConfig next) {
    List<Path> files = new ArrayList<>();
    next.tls().forEach(c -> {
      files.add(c.cert());
      files.add(c.key());
    });
    if (certificateWatcher != null && certificateWatcher.files().equals(files)) {
      return;
    }
    closeCertificateWatcher();
    if (!files.isEmpty()) {
      try {
        // a reload of the config current when the step runs (not when the files changed), its files read again
        certificateWatcher = ConfigFileWatcher.start(files,
            () -> onControl(() -> reloadStep(config, "certificate change")));
      } catch (IOException e) {
        LOG.warn("cannot watch the certificate files for changes ({}); a SIGHUP reloads them", e.getMessage());
      }
    }
  }

  private void closeCertificateWatcher() {
    if (certificateWatcher != null) {
      try {
        certificateWatcher.close();
      } catch (IOException e) {
        LOG.debug("closing the certificate watcher", e);
      }
      certificateWatcher = null;
    }
  }

  private Future<KubernetesSource> startKubernetes(EdgeportConfig next) {
    KubernetesConfig k8s = next.kubernetes();
    KubernetesSource[] self = new KubernetesSource[1];
    self[0] = new KubernetesSource(vertx, health.context(), k8s, KubernetesClients.create(vertx, k8s),
        next.listen().http().port(), next.listen().https() == null ? 0 : next.listen().https().port(),
        snapshot -> {
          if (self[0] == kubernetes) {
            clusterChanged(snapshot);
          }
        }, this::notifyState);
    return self[0].start(KUBERNETES_SYNC_MILLIS).map(v -> self[0]);
  }

  private static long longestCheckTimeout(List<Domain> domains) {
    return domains.stream().flatMap(d -> d.paths().stream()).flatMap(p -> p.backendRefs().stream())
        .mapToLong(ref -> ref.healthCheck().timeout().toMillis()).max().orElse(0);
  }

  /** A new cluster snapshot or config (on the context): resolve every backend once, re-aim the checkers, rebuild. */
  private void clusterChanged(ClusterState next) {
    if (cluster == null ? !next.discoveredCertificates().isEmpty()
        : !cluster.discoveredCertificates().equals(next.discoveredCertificates())) {
      loadClusterCertificates(next);
    }
    cluster = next;
    List<String> lost = new ArrayList<>();
    domains = mergedDomains(config.domains(), next, lost);
    if (!lost.equals(conflicts)) {
      lost.stream().filter(c -> !conflicts.contains(c)).forEach(c -> LOG.warn("host conflict: {}", c));
      conflicts = List.copyOf(lost);
    }
    BackendResolver resolver = config.kubernetes() == null ? BackendResolver.STATIC
        : new ServiceResolver(next, config.kubernetes());
    KubernetesConfig.LoadBalancerClass lb = config.kubernetes() == null ? null : config.kubernetes().loadBalancer();
    loadBalancerPorts = lb == null ? List.of() : LoadBalancerTranslator.of(next.services(), lb);
    Set<String> notRelayed = new HashSet<>();
    for (L4Route p : loadBalancerPorts) {
      if (p.backend() == null && notRelayed.add(p.name()) && !notRelayedLogged.contains(p.name())) {
        LOG.warn("loadBalancer {}: {} is not served (edgeport relays TCP)", p.name(), p.protocol());
      }
    }
    notRelayedLogged = notRelayed;
    List<BackendRef> tcpBackends = loadBalancerPorts.stream().map(L4Route::backend)
        .filter(Objects::nonNull).toList();
    resolutions = Resolutions.of(domains, tcpBackends, resolver);
    health.update(domains, tcpBackends, next.nodes(), resolutions);
    rebuilds.request();
  }

  /**
   * Checks the certificates of Ingress TLS (on a worker: parsing and a signature each) and serves the
   * good ones; a bad one is left out with a warning, as cluster state cannot be refused like a config.
   */
  private void loadClusterCertificates(ClusterState snapshot) {
    List<ServedCertificate> previous = clusterCertificates;
    vertx.executeBlocking(() -> {
      List<ServedCertificate> good = new ArrayList<>();
      Certificates known = Certificates.of(Certificates.NONE, previous);
      for (DiscoveredCertificate c : snapshot.discoveredCertificates()) {
        try {
          good.add(CertificateLoader.fromPem(c.hosts(), c.certPem(), c.keyPem(), c.origin(), known, Instant.now()));
        } catch (IllegalArgumentException e) {
          LOG.warn("{}: not served: {}", c.origin(), e.getMessage());
        }
      }
      return List.copyOf(good);
    }, false).onSuccess(good -> {
      if (cluster.discoveredCertificates().equals(snapshot.discoveredCertificates())) { // else newer ones are loading
        clusterCertificates = good;
        certificates = Certificates.of(configCertificates, good);
        rebuilds.request();
      }
    });
  }

  /**
   * The config's domains, then the discovered ones (Ingresses, then Gateway API routes) whose host no earlier one
   * claims; each host lost is described in {@code lost}.
   */
  private static List<Domain> mergedDomains(List<Domain> configured, ClusterState snapshot,
      List<String> lost) {
    if (snapshot.discoveredDomains().isEmpty()) {
      return configured;
    }
    List<Domain> all = new ArrayList<>(configured);
    Map<String, Domain> taken = new HashMap<>();
    configured.forEach(d -> taken.put(d.host(), d));
    for (Domain d : snapshot.discoveredDomains()) {
      Domain winner = taken.putIfAbsent(d.host(), d);
      if (winner == null) {
        all.add(d);
      } else {
        lost.add(d.host() + ": " + d.origin() + " is not served; " + (configured.contains(winner)
            ? "the config file (" + winner.origin() + ")" : winner.origin()) + " has it");
      }
    }
    return all;
  }

  private void rebuild() {
    if (config == null) {
      return;
    }
    Map<String, NodeHealth.Status> healthNow = health.statuses();
    View before = view;
    int httpsPort = httpsProxy != null ? httpsProxy.port() : config.listen().https() != null
        ? config.listen().https().port() : 0;
    Generation current = generation.get();
    if (before != null && before.config() == config && current.accessLog() == accessLog
        && current.certificates() == certificates && current.forwarding().httpsPort() == httpsPort
        && before.cluster() == cluster
        && before.resolutions() == resolutions && before.health().equals(healthNow)) {
      return; // nothing it is built from changed: keep the generation (and its balancers' state)
    }
    Generation next = generation.get().next(
        RouteTableBuilder.build(domains, cluster.nodes(), resolutions, health, this::budget, this::gate),
        Forwarding.of(config, httpsPort), accessLog, certificates);
    generation.set(next);
    applyLoadBalancers();
    budgets.keySet().retainAll(resolutions.byBackend().keySet());
    Set<String> hosts = new HashSet<>();
    domains.forEach(d -> hosts.add(d.host()));
    rateLimiters.keySet().retainAll(hosts);
    view = new View(next.version(), config, cluster, domains, resolutions, healthNow, conflicts);
    logUnavailable();
    notifyState();
  }

  /**
   * Listens on each TCP port of each served LoadBalancer Service at each address, with the port's nodes as they
   * serve now; on the health context, where the listeners live. A port that cannot be bound is logged, shown by
   * status and reported as an Event on its Service; the other ports serve.
   */
  private void applyLoadBalancers() {
    KubernetesConfig.LoadBalancerClass lb = config.kubernetes() == null ? null : config.kubernetes().loadBalancer();
    Map<TcpListeners.Bind, TcpTarget> wanted = new LinkedHashMap<>();
    Map<TcpListeners.Bind, L4Route> portOf = new HashMap<>();
    if (lb != null) {
      for (L4Route p : loadBalancerPorts) {
        if (p.backend() == null) {
          continue; // UDP, SCTP: shown as not served by status
        }
        Backend backend = RouteTableBuilder.backend(p.backend(), resolutions.get(p.backend()), cluster.nodes(), health,
            budget(p.backend()));
        TcpTarget target = new TcpTarget(p.name(), backend, config.timeouts().connect().toMillis(),
            config.timeouts().tcpIdle().toMillis(), lb.maxConnections(), lb.maxConnectionsPerIp(),
            config.limits().ipv6Prefix());
        for (String address : lb.addresses()) {
          TcpListeners.Bind bind = new TcpListeners.Bind(address, p.port());
          wanted.put(bind, target);
          portOf.put(bind, p);
        }
      }
    }
    KubernetesSource source = kubernetes;
    health.context().runOnContext(v -> tcp.apply(wanted).onSuccess(failures -> {
      Map<TcpListeners.Bind, String> before = tcpFailures;
      tcpFailures = failures;
      failures.forEach((bind, why) -> {
        L4Route p = portOf.get(bind);
        if (!why.equals(before.get(bind)) && p != null && source != null) {
          source.reportEvent(p.service(), "ListenFailed", "edgeport cannot listen on " + bind + " for port "
              + p.port() + ": " + why);
        }
      });
      if (!failures.equals(before)) {
        notifyState();
      }
    }));
  }

  /** The LoadBalancer Service ports served, as of the last cluster change. */
  public List<L4Route> loadBalancerPorts() {
    return loadBalancerPorts;
  }

  /** The LoadBalancer ports that could not be bound, with why. */
  public Map<TcpListeners.Bind, String> loadBalancerFailures() {
    return tcpFailures;
  }

  /** What the LoadBalancer ports carried, per Service port. */
  public TcpCounters tcpCounters() {
    return tcp.counters();
  }

  /**
   * A domain's client rules for the request path, or null without any. Its rate limiter is kept across
   * generations while the domain's limit stays the same (a reload does not hand every client a fresh burst).
   */
  private DomainGate gate(Domain domain) {
    ClientRules rules = domain.clients();
    if (rules.isNone()) {
      return null;
    }
    RateLimiter limiter = null;
    if (rules.rateLimit() != null) {
      limiter = rateLimiters.get(domain.host());
      int ipv6Prefix = config.limits().ipv6Prefix();
      if (limiter == null || !limiter.limit().equals(rules.rateLimit()) || limiter.ipv6Prefix() != ipv6Prefix) {
        limiter = new RateLimiter(rules.rateLimit(), ipv6Prefix);
        rateLimiters.put(domain.host(), limiter);
      }
    }
    return new DomainGate(rules, limiter);
  }

  /** A backend's retry budget: the same one for as long as the backend is configured, across generations. */
  private RetryBudget budget(BackendRef ref) {
    return budgets.computeIfAbsent(ref, r -> new RetryBudget(r.retry().budgetPercent(), r.retry().budgetMinPerSecond()));
  }

  /** Domains that cannot serve (their requests get 503) are logged once per reason. */
  private void logUnavailable() {
    Map<String, String> now = new TreeMap<>();
    for (Domain d : domains) {
      for (PathRule rule : d.paths()) {
        for (BackendRef ref : rule.backendRefs()) {
          if (resolutions.get(ref) instanceof BackendResolver.Unavailable u) {
            now.put(d.host() + (rule.path().equals("/") ? "" : " " + rule.path()), u.reason());
          }
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

  private void notifyState() {
    stateListeners.forEach(Runnable::run);
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  /** The port the proxy listens on (the actual one when the config asked for port 0). */
  public int port() {
    return proxy.port();
  }

  /** The port the HTTPS listener listens on; -1 without one. */
  public int httpsPort() {
    ProxyServer s = httpsProxy;
    return s == null ? -1 : s.port();
  }

  /** The generation requests are served with now. */
  public Generation generation() {
    return generation.get();
  }

  /** What the current generation was built from. */
  public View view() {
    return view;
  }

  public HealthRegistry health() {
    return health;
  }

  /** Requests counted per event loop, summed when read. */
  public Traffic traffic() {
    return traffic;
  }

  /** Access log lines dropped because the writer fell behind. */
  public long accessLogDropped() {
    return accessLogDropped.sum();
  }

  /** Configs applied after the start, and configs refused (invalid, or a part that could not be applied). */
  public long reloads(boolean applied) {
    return (applied ? reloadsApplied : reloadsRefused).sum();
  }

  /** Every checked node and check ({@code "127.0.0.3 on :30005" -> DOWN}) as the current generation reflects it. */
  public Map<String, NodeHealth.Status> nodeHealth() {
    View v = view;
    return v == null ? Map.of() : v.health();
  }

  /** Domains (and paths) that answer 503 now, with why. */
  public Map<String, String> unavailableRoutes() {
    return unavailable;
  }

  /** The cluster as the current generation reflects it: nodes, excluded nodes with reasons, Services. */
  public ClusterState cluster() {
    View v = view;
    return v == null ? null : v.cluster();
  }

  /** "static", "connected" or "disconnected since …". */
  public String clusterSourceState() {
    KubernetesSource k = kubernetes;
    return k == null ? "static" : k.apiState();
  }

  /**
   * The Gateway API kinds the cluster does not serve (with {@code kubernetes.gatewayClass}: their CRDs are not
   * installed, so no Gateway API route is served); empty otherwise.
   */
  public List<String> missingGatewayApi() {
    KubernetesSource k = kubernetes;
    return k == null ? List.of() : k.missingGatewayApi();
  }

  /** Does this replica write status into the Kubernetes API now (it holds the Lease)? */
  public boolean writesStatus() {
    KubernetesSource k = kubernetes;
    return k != null && k.writesStatus();
  }

  /** The last config applied or refused (at start, on a file change or SIGHUP), or null. */
  public ReloadResult lastReload() {
    return lastReload;
  }

  /** Config loaded, listener bound, first health round and discovery done, and not draining. */
  public boolean ready() {
    return ready && !generation.get().draining();
  }

  /**
   * Runs {@code listener} after every new generation, reload outcome and cluster-source state change
   * (on the control context); the returned handle removes it.
   */
  public AutoCloseable addStateListener(Runnable listener) {
    stateListeners.add(listener);
    return () -> stateListeners.remove(listener);
  }

  /**
   * Graceful stop, first half: responses say {@code Connection: close} and {@code /ready} answers 503; for
   * {@code shutdown.keepAccepting} new connections are still served (while whatever routes here moves traffic
   * away), then the listener stops accepting and requests in flight finish within {@code shutdown.drain}.
   */
  public Future<Void> drain() {
    return onControl(() -> {
      ShutdownConfig shutdown = config.shutdown();
      generation.set(generation.get().drained());
      notifyState();
      if (shutdown.keepAccepting().isZero()) {
        return closeListeners(shutdown.drain());
      }
      LOG.info("draining: /ready answers 503; still accepting for {} ms so that traffic moves away",
          shutdown.keepAccepting().toMillis());
      // The timer fires on this (the control) context; reloads wait behind the whole stop.
      return vertx.timer(shutdown.keepAccepting().toMillis(), TimeUnit.MILLISECONDS)
          .compose(v -> closeListeners(shutdown.drain()));
    });
  }

  private Future<Void> closeListeners(Duration drain) {
    LOG.info("draining: no new connections; requests in flight have up to {} s to finish", drain.toSeconds());
    long started = System.nanoTime();
    Future<Void> https = httpsProxy == null ? Future.succeededFuture() : httpsProxy.close(drain);
    return Future.join(proxy.close(drain), https).<Void>mapEmpty().onComplete(ar -> LOG.info("drained in {} ms",
        Duration.ofNanos(System.nanoTime() - started).toMillis()));
  }

  public Future<Void> close() {
    Promise<Void> stopped = Promise.promise();
    health.context().runOnContext(v -> {
      Future<Void> apiClosed = kubernetes != null ? kubernetes.close() : Future.succeededFuture();
      closeCertificateWatcher();
      health.close();
      tcp.close();
      apiClosed.onComplete(x -> stopped.complete());
    });
    Duration drain = config == null ? Duration.ZERO : config.shutdown().drain();
    Future<Void> proxyStopped = proxy == null ? Future.succeededFuture() : proxy.close(drain);
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(proxyStopped);
    if (httpsProxy != null) {
      closing.add(httpsProxy.close(drain));
    }
    extensions.forEach(e -> closing.add(e.close()));
    return Future.join(closing).transform(v -> stopped.future()).compose(v -> probe.close())
        .onComplete(v -> {
          if (accessLog != null) {
            accessLog.close();
          }
        });
  }
}
