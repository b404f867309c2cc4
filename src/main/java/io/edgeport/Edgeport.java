package io.edgeport;

import io.edgeport.acme.AcmeHosts;
import io.edgeport.acme.AcmeManager;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.control.AccessLogs;
import io.edgeport.control.CertificateSources;
import io.edgeport.control.ClusterSources;
import io.edgeport.control.ControlLoop;
import io.edgeport.control.GenerationBuilder;
import io.edgeport.control.L4Ports;
import io.edgeport.control.Prepared;
import io.edgeport.control.ProxyListeners;
import io.edgeport.control.ReloadLog;
import io.edgeport.control.Status;
import io.edgeport.health.HealthRegistry;
import io.edgeport.health.NetworkProbe;
import io.edgeport.model.ClusterState;
import io.edgeport.proxy.Generation;
import io.edgeport.proxy.Traffic;
import io.edgeport.tcp.TcpCounters;
import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edgeport. Data flows one way: the config (a source like any other: it can be reloaded), the cluster
 * source and the health registry feed one immutable {@link Generation} that the data plane reads with one atomic
 * load per request. All control work runs on one context, one step at a time ({@link ControlLoop}); the parts in
 * {@code control/} take their inputs as arguments and hand back values and futures.
 */
public final class Edgeport {
  private static final Logger LOG = LoggerFactory.getLogger(Edgeport.class);
  /** Beyond the check timeout: the first checks' start jitter and scheduling. */
  private static final long FIRST_CHECKS_MAX_MILLIS = 250;

  /**
   * Something that follows the config beside the proxy (the admin listener). {@link #configure} runs before a config
   * is committed; when it fails the whole config is refused, so it must leave its previous state serving on failure.
   */
  public interface Extension {
    Future<Void> configure(Edgeport edgeport, EdgeportConfig next);

    Future<Void> close();
  }

  private final HealthRegistry health;
  private final NetworkProbe probe;
  private final ControlLoop control;
  private final AtomicReference<Generation> generation = new AtomicReference<>(Generation.NONE);
  private final List<Runnable> stateListeners = new CopyOnWriteArrayList<>();
  private final List<Extension> extensions;
  private final Traffic traffic = new Traffic();
  private final ProxyListeners listeners;
  private final CertificateSources certificates;
  private final ClusterSources sources;
  private final GenerationBuilder builder;
  private final L4Ports l4;
  private final AccessLogs accessLogs;
  private final AcmeManager acme;
  // Control state, confined to the control context.
  private EdgeportConfig config;
  private final ReloadLog reloads = new ReloadLog();
  // Published for status and tests, readable from any thread.
  private volatile Status status = Status.NONE;
  private volatile boolean ready;

  private Edgeport(Vertx vertx, int workers, List<Extension> extensions) {
    this.extensions = extensions;
    Context context = vertx.getOrCreateContext();
    this.probe = new NetworkProbe(vertx);
    this.health = new HealthRegistry(vertx, context, probe, System::nanoTime);
    this.control = new ControlLoop(vertx, context, this::rebuild);
    this.listeners = new ProxyListeners(vertx, workers, generation::get, traffic);
    this.certificates = new CertificateSources(vertx, control);
    this.sources = new ClusterSources(vertx, control, this::clusterChanged, this::publish);
    this.l4 = new L4Ports(vertx, control);
    this.builder = new GenerationBuilder(health);
    this.accessLogs = new AccessLogs(vertx);
    this.acme = new AcmeManager(vertx, context, control::rebuildSoon, new AcmeManager.Served() {
      @Override
      public boolean http01(String token, String keyAuthorization) {
        return keyAuthorization.equals(generation.get().acmeTokens().get(token));
      }

      @Override
      public boolean tlsAlpn01(String host, ServedCertificate certificate) {
        return certificate != null && generation.get().certificates().validation(host) == certificate;
      }
    });
    health.onChange(control::rebuildSoon);
  }

  /**
   * Starts following the cluster, checking nodes, and listening.
   *
   * @param workers    event loops that serve requests (each with its own listener and connection pool)
   * @param extensions started with the config once the proxy listens, and told of every reload
   */
  public static Future<Edgeport> start(Vertx vertx, EdgeportConfig config, int workers, Extension... extensions) {
    Edgeport edgeport = new Edgeport(vertx, workers, List.of(extensions));
    return edgeport.control.step(() -> edgeport.apply(config, edgeport.certificates.load(config), "start"))
        .map(v -> {
          edgeport.ready = true;
          edgeport.control.context().runOnContext(x -> edgeport.acme.mayOrderChanged());
          GenerationBuilder.Inputs served = edgeport.builder.inputs();
          LOG.info("edgeport listening on {} for {} domain(s) on {} node(s) ({} worker(s))",
              edgeport.listeners.describe(config), served.merged().domains().size(), served.cluster().nodes().size(),
              workers);
          edgeport.publish();
          return edgeport;
        })
        .recover(e -> edgeport.close().transform(closed -> Future.failedFuture(e)));
  }

  /**
   * Applies a new config as one step: a new generation, the listener moved only if its address changed, the cluster
   * source switched only if its section changed, and health state kept for nodes that stay. When any part cannot be
   * applied (a port that cannot be bound, an unreachable API server) nothing of it is, and the old config keeps serving.
   *
   * @param source what asked for it, for status ("file change", "SIGHUP")
   */
  public Future<Void> reload(EdgeportConfig next, String source) {
    return control.step(() -> reloadStep(next, source));
  }

  private Future<Void> reloadStep(EdgeportConfig next, String source) {
    Future<Certificates> files = certificates.load(next);
    return files.transform(loaded -> {
      if (loaded.succeeded() && next.equals(config) && certificates.serving(loaded.result())) {
        LOG.info("config reload ({}): unchanged", source);
        return reloaded(source, null, false);
      }
      return apply(next, files, source).onComplete(ar -> {
        if (ar.succeeded()) {
          LOG.info("config reloaded ({}): generation {}, {}", source, generation.get().version(), next.summary());
        } else {
          LOG.error("config reload ({}) refused, the previous config keeps serving: {}", source,
              ReloadLog.describe(ar.cause()));
        }
      });
    });
  }

  /** The outcome of a config that could not be read (syntax or validation errors): kept for status. */
  public void reloadRefused(String source, String error) {
    control.step(() -> reloaded(source, new IllegalArgumentException(error), true));
  }

  /** Applies {@code next} with its certificate files (when they could be read) as one reload. */
  private Future<Void> apply(EdgeportConfig next, Future<Certificates> files, String source) {
    List<Supplier<Future<Void>>> configure = extensions.stream()
        .<Supplier<Future<Void>>>map(e -> () -> e.configure(this, next)).toList();
    return files.compose(f -> Prepared.of(next, f, control, accessLogs, sources, listeners, configure))
        .compose(this::commit)
        .onComplete(ar -> reloaded(source, ar.failed() ? ar.cause() : null, !source.equals("start")));
  }

  /** Keeps a config's outcome for status (the start's is not counted as a reload) and publishes it. */
  private Future<Void> reloaded(String source, Throwable failure, boolean counted) {
    reloads.record(source, failure, counted);
    publish();
    return Future.succeededFuture();
  }

  /** Past the point of no return: nothing below can fail a reload (at the start, binding fails the start). */
  private Future<Void> commit(Prepared next) {
    EdgeportConfig previous = config;
    config = next.config();
    // a renewal (certbot, cert-manager) is a reload of the config current when the step runs, its files read again
    certificates.commit(config, next.files(), () -> control.step(() -> reloadStep(config, "certificate change")));
    // requests of the previous generation may still finish and log: the log they use closes once they are done
    accessLogs.commit(next.accessLog(), previous == null ? Duration.ZERO
        : previous.timeouts().response().plusSeconds(1));
    sources.commit(next.source(), config, () -> {
      acme.mayOrderChanged();
      publish();
    });
    // with Kubernetes only the Lease holder orders; every replica serves what it stored in Secrets
    // and not before the listeners are bound: a CA validating earlier would find no one and fail the order
    acme.configure(config.acme(), config.acme() == null ? null : sources.acmeStore(config.acme()),
        config.kubernetes() == null ? () -> ready : () -> ready && sources.writesStatus());
    // a reload's listeners are bound already: Gateway listeners are checked against their ports (the start's, below)
    ProxyListeners.Pair pair = next.listeners();
    clusterChanged(sources.listeningOn(previous != null ? pair : ProxyListeners.Pair.NONE, config));
    long firstChecks = FIRST_CHECKS_MAX_MILLIS + builder.inputs().longestCheckTimeout();
    return control.here(health.firstResults(firstChecks)).compose(known -> {
      rebuild();
      if (previous != null) {
        listeners.commit(pair, previous.shutdown().drain());
        rebuild();
        return Future.succeededFuture();
      }
      return control.here(listeners.bind(config)).map(bound -> {
        rebuild(); // redirects name the HTTPS listener's actual port (a config's port 0 picks one)
        ClusterState listening = sources.listeningOn(bound, config);
        if (listening != builder.inputs().cluster()) {
          clusterChanged(listening); // a port 0 picked a port that a Gateway listener names
        }
        return null;
      });
    });
  }

  /** A new cluster state or config (on the context): resolve every backend once, re-aim the checkers, rebuild. */
  private void clusterChanged(ClusterState next) {
    certificates.follow(next.discoveredCertificates()).onSuccess(loaded -> control.rebuildSoon());
    acme.follow(AcmeHosts.wanted(config, next.acmeRequests(), next.discoveredCertificates()));
    builder.resolve(config, next);
    control.rebuildSoon();
  }

  /** Publishes a new generation when anything it is built from changed; the TCP listeners follow it. */
  private void rebuild() {
    if (config == null) {
      return;
    }
    Generation current = generation.get();
    Generation next = builder.build(current, listeners.redirectPort(config), accessLogs.current(),
        certificates.served(acme), acme.tokens());
    if (next == current) {
      return;
    }
    generation.set(next);
    l4.follow(next, builder.inputs().l4(), sources::reportEvent).onSuccess(changed -> {
      if (changed) {
        publish();
      }
    });
    publish();
  }

  /** Publishes the status of what serves now and tells the state listeners; on the control context. */
  private void publish() {
    status = builder.status(l4.failures(), sources, reloads.last(), reloads.counts());
    stateListeners.forEach(Runnable::run);
  }

  /** The port the proxy listens on (the actual one when the config asked for port 0). */
  public int port() {
    return listeners.port();
  }

  /** The generation requests are served with now. */
  public Generation generation() {
    return generation.get();
  }

  /** What serves now and what it was built from: one value, replaced after every change. */
  public Status status() {
    return status;
  }

  public HealthRegistry health() {
    return health;
  }

  /** Requests counted per event loop, summed when read. */
  public Traffic traffic() {
    return traffic;
  }

  /** What the LoadBalancer ports carried, per Service port. */
  public TcpCounters tcpCounters() {
    return l4.counters();
  }

  /** The certificates edgeport obtains itself (ACME): their state per host and the order counters, for status. */
  public AcmeManager acme() {
    return acme;
  }

  /** Access log lines dropped because the writer fell behind. */
  public long accessLogDropped() {
    return accessLogs.dropped();
  }

  /** Config loaded, listener bound, first health round and discovery done, and not draining. */
  public boolean ready() {
    return ready && !generation.get().draining();
  }

  /**
   * Runs {@code listener} after every new status (a generation, a reload outcome, a cluster-source state change),
   * on the control context; the returned handle removes it.
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
  /**
   * The longest a stop may take: {@code shutdown.keepAccepting} and {@code shutdown.drain}, and a margin for the close
   * after them. A close that does not finish by then (a Vert.x pool that never lets go of a connect to a host that
   * drops SYNs, seen with a blackholed mirror) must not keep the process alive.
   */
  public Duration stopBound() {
    return config.shutdown().keepAccepting().plus(config.shutdown().drain()).plusSeconds(30);
  }

  public Future<Void> drain() {
    return control.step(() -> {
      generation.set(generation.get().drained());
      publish();
      return listeners.drain(config.shutdown()); // reloads wait behind the whole stop
    });
  }

  public Future<Void> close() {
    Future<Void> stopped = control.here(Future.succeededFuture()).compose(v -> {
      certificates.close();
      acme.close();
      health.close();
      l4.close();
      return sources.close();
    }).otherwiseEmpty();
    List<Future<Void>> closing = new ArrayList<>(List.of(listeners.close(config == null ? Duration.ZERO
        : config.shutdown().drain())));
    extensions.forEach(e -> closing.add(e.close()));
    return Future.join(closing).transform(v -> stopped).compose(v -> probe.close())
        .onComplete(v -> accessLogs.close());
  }
}
