package io.edgeport.cluster.kubernetes;

import io.edgeport.cluster.Coalescer;
import io.edgeport.config.Durations;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.edgeport.model.ServiceInfo;
import io.edgeport.translate.IngressTranslator;
import io.edgeport.translate.KubernetesTranslator;
import io.edgeport.translate.LoadBalancerTranslator;
import io.edgeport.translate.SecretsRead;
import io.edgeport.translate.ServiceTranslator;
import io.edgeport.translate.gatewayapi.GatewayApiObjects;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the cluster through informers on Nodes, Services, (with an ingress class) Ingresses and (with a
 * gateway class) GatewayClasses, Gateways, HTTPRoutes and Namespaces, and those of GRPCRoutes, ReferenceGrants and
 * BackendLBPolicies that the cluster serves.
 * Any event marks the view dirty; after a short debounce the cluster state is rebuilt from the informers'
 * caches, and published only when it differs from the last one. A broken watch changes nothing:
 * the caches keep the last known state (fabric8 reconnects with back-off and re-lists), and
 * "kubernetes: disconnected since …" is logged and kept for the status view.
 *
 * <p>A cluster without the Gateway API CRDs (most clusters) is followed all the same: Nodes, Services and Ingresses
 * are served, what is missing is logged once and shown in status, and every {@link #GATEWAY_API_CHECK_MILLIS} the
 * kinds are looked for again, so that CRDs installed later are followed without a restart. The same holds for each
 * optional kind ({@link GatewayApiKind}) on its own: the Gateway API is served without it, and it is followed once the
 * cluster serves it (and edgeport may read it), beside the informers already running.
 *
 * <p>Everything but the informers' own threads runs on one Vert.x context; API writes (status, by the
 * {@link StatusWriter}, when this replica holds its Lease) run on worker threads.
 */
public final class KubernetesSource {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.kubernetes");
  static final long DEBOUNCE_MILLIS = 100;
  /** The parts translated each on its own (a failure of one leaves the other following the cluster). */
  private static final String CORE = "the Nodes, Services and Ingresses";
  private static final String GATEWAY_API = "the Gateway API objects";
  private static final String STATUS = "the status of the objects served";
  /** Distinct failures of one part logged with their stack; beyond, only status shows the last. */
  private static final int MAX_FAILURES_LOGGED = 20;
  private static final long CONNECTION_CHECK_MILLIS = 1000;
  /**
   * How often the Secrets of Ingress TLS are read again (renewals). They are read one by one (GET), not
   * watched, so RBAC can grant {@code get} on just those names instead of every Secret of the cluster.
   */
  static final long SECRET_REFRESH_MILLIS = 60_000;
  /**
   * How often a cluster without some of the Gateway API kinds is asked again whether it serves them now: a CRD
   * installed later is followed within a minute.
   */
  static final long GATEWAY_API_CHECK_MILLIS = 30_000;

  private final Vertx vertx;
  private final Context context;
  private final KubernetesConfig config;
  private final KubernetesClient client;
  private final Consumer<ClusterState> publish;
  private final Runnable stateChanged;
  /** Every informer started (close stops them), and those whose first list and watch are done (on the context). */
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final List<SharedIndexInformer<?>> started = new ArrayList<>();
  private SharedIndexInformer<Node> nodes;
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<Ingress> ingresses;
  private SharedIndexInformer<GatewayClass> gatewayClasses;
  private SharedIndexInformer<io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway> gateways;
  private SharedIndexInformer<HTTPRoute> httpRoutes;
  private SharedIndexInformer<Namespace> namespaces;
  /** The optional kinds' caches as the translator takes them: empty while the kind is not followed. */
  private Supplier<List<GRPCRoute>> grpcRoutes = List::of;
  private Supplier<List<ReferenceGrant>> referenceGrants = List::of;
  private Supplier<List<GenericKubernetesResource>> backendLBPolicies = List::of;
  /** The Gateway API kinds followed (their informers synced). */
  private final Set<GatewayApiKind> followed = EnumSet.noneOf(GatewayApiKind.class);
  /** What was logged last of each kind not followed: logged again only when that changes. */
  private final Map<GatewayApiKind, GatewayApiKind.Answer> loggedUnserved = new EnumMap<>(GatewayApiKind.class);
  /** The core Gateway API kinds the cluster does not serve (CRDs not installed); empty once it serves them. */
  private volatile List<String> missingGatewayApi = List.of();
  /** The optional kinds not followed while the core ones are, each with why and what that means. */
  private volatile List<String> unservedGatewayApi = List.of();
  private final long gatewayApiCheckMillis;
  private long gatewayApiTimer = -1;
  /** edgeport's listeners: which Gateway listener ports map to them. */
  private GatewayApiTranslator.EdgeListeners edge;
  /** Null when there is nothing to write (no publishAddress, no gateway class). */
  private final StatusWriter status;
  private GatewayApiTranslator.Result gatewayApi = GatewayApiTranslator.Result.EMPTY;
  private final Coalescer rebuilds;
  private ClusterState last;
  /** The last translation of Nodes, Services and Ingresses (without the Gateway API's), or null before the first. */
  private ClusterState core;
  /** The parts that cannot be translated now (read by status from any thread), and those translated once. */
  private final Map<String, Failing> failing = new ConcurrentSkipListMap<>();
  private final Set<String> translatedOnce = new HashSet<>();
  private Map<String, String> lastExcluded = Map.of();
  private final Set<String> loggedIngressNotes = new HashSet<>();
  private volatile Instant disconnectedSince;
  private long connectionTimer = -1;
  private long secretTimer = -1;
  private boolean closed;
  /** The close under way or done: a second close waits for the first. */
  private Future<Void> closing;
  /**
   * The Secrets of Ingress TLS and HTTPS Gateway listeners as last read: those found, and those the API says do not
   * exist (a failed read is neither, so it asks for no ACME certificate); and which names that read was for.
   */
  private SecretsRead secrets = SecretsRead.NONE;
  private Set<String> secretsRead = Set.of();
  private boolean readingSecrets;
  private volatile Runnable afterRebuild = () -> { };
  /** Every informer's events: coalesced into one rebuild. */
  private final ResourceEventHandler<Object> onEvent = new ResourceEventHandler<>() {
    @Override
    public void onAdd(Object obj) {
      changed();
    }

    @Override
    public void onUpdate(Object oldObj, Object newObj) {
      changed();
    }

    @Override
    public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
      changed();
    }
  };

  /**
   * @param edge              edgeport's listeners as configured: the Gateway listener ports it serves besides 80
   *                          and 443, until {@link #listeningOn} names the bound ones
   * @param publish           receives each new cluster state, on the context
   * @param stateChanged      runs, on the context, when the API connection is lost or back, when Gateway API kinds
   *                          appear (or why one is not followed changes), and when a part of the cluster cannot be
   *                          translated or translates again
   * @param acme              whether ACME orders: then the Lease decides which replica does, even with no status to
   *                          write
   */
  public KubernetesSource(Vertx vertx, Context context, KubernetesConfig config, KubernetesClient client,
      GatewayApiTranslator.EdgeListeners edge, Consumer<ClusterState> publish, Runnable stateChanged, boolean acme) {
    this(vertx, context, config, client, edge, publish, stateChanged, DEBOUNCE_MILLIS, GATEWAY_API_CHECK_MILLIS,
        acme);
  }

  /**
   * @param debounceMillis        how long after the first event of a burst the state is rebuilt
   * @param gatewayApiCheckMillis how often a cluster without some of the Gateway API kinds is asked for them again
   */
  KubernetesSource(Vertx vertx, Context context, KubernetesConfig config, KubernetesClient client,
      GatewayApiTranslator.EdgeListeners edge, Consumer<ClusterState> publish, Runnable stateChanged,
      long debounceMillis, long gatewayApiCheckMillis, boolean acme) {
    this.vertx = vertx;
    this.edge = edge;
    this.context = context;
    this.config = config;
    this.client = client;
    this.publish = publish;
    this.stateChanged = stateChanged;
    this.gatewayApiCheckMillis = gatewayApiCheckMillis;
    this.rebuilds = new Coalescer(vertx, debounceMillis, this::rebuild);
    this.status = acme || config.publishAddress() != null || config.gatewayClass() != null
        || config.loadBalancer() != null ? new StatusWriter(vertx, context, client, config, rebuilds::request) : null;
  }

  /**
   * Starts the informers; completes (on the context) with the first state published, once all are synced. A
   * start that fails stops what it started.
   */
  public Future<Void> start(long syncTimeoutMillis) {
    try {
      return startFollowing(syncTimeoutMillis).recover(e -> close().transform(v -> Future.failedFuture(e)));
    } catch (RuntimeException e) { // an informer that cannot even be made
      return close().transform(v -> Future.failedFuture(e));
    }
  }

  private Future<Void> startFollowing(long syncTimeoutMillis) {
    nodes = client.nodes().runnableInformer(0);
    services = client.services().inAnyNamespace().runnableInformer(0);
    List<SharedIndexInformer<?>> core = new ArrayList<>(List.of(nodes, services));
    if (config.ingressClass() != null) {
      ingresses = client.network().v1().ingresses().inAnyNamespace().runnableInformer(0);
      core.add(ingresses);
    }
    List<Future<Void>> synced = new ArrayList<>();
    synced.add(startInformers(core));
    if (config.gatewayClass() != null) {
      synced.add(lookForGatewayApi().onComplete(looked -> lookForGatewayApiLater()));
    }
    return Future.all(synced)
        .timeout(syncTimeoutMillis, TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "cannot reach the Kubernetes API at " + client.getMasterUrl() + ": " + describe(e), e)))
        .compose(v -> {
          gatewayApi = translated(GATEWAY_API, this::translateGatewayApi, gatewayApi);
          return readSecrets(wantedSecrets()); // the first state serves Ingress TLS and Gateway HTTPS already
        })
        .map(v -> {
          if (status != null) {
            status.start();
          }
          rebuild();
          if (last == null) {
            throw new IllegalStateException("kubernetes: " + failing.get(CORE).last());
          }
          connectionTimer = vertx.setPeriodic(CONNECTION_CHECK_MILLIS, id -> checkConnection());
          secretTimer = vertx.setPeriodic(SECRET_REFRESH_MILLIS, id -> readSecrets(wantedSecrets()));
          return (Void) null;
        });
  }

  /**
   * Asks the cluster for the Gateway API kinds not followed yet and follows those it serves: the core kinds together
   * once it serves all three, each optional kind on its own (asked for only with the core), beside the informers
   * already running. What is not served is logged once and shown by status. Fails when the API cannot be asked or
   * the core informers cannot start; an optional kind that cannot be followed is only asked for again.
   */
  private Future<Void> lookForGatewayApi() {
    List<GatewayApiKind> asking = Arrays.stream(GatewayApiKind.values()).filter(k -> !followed.contains(k)).toList();
    int followedBefore = followed.size();
    return vertx.executeBlocking(() -> GatewayApiKind.ask(client, asking), false).compose(answers -> {
      if (closed) {
        return Future.succeededFuture(); // the start timed out meanwhile: nothing more to start
      }
      List<String> missing = answers.stream().filter(a -> a.kind().core() && !a.served())
          .map(a -> a.kind().resource()).toList();
      if (!missing.isEmpty()) {
        coreMissing(missing);
        return Future.succeededFuture();
      }
      Future<Void> core = followed.contains(GatewayApiKind.GATEWAYS) ? Future.succeededFuture() : followCore();
      List<Future<GatewayApiKind.Answer>> optional = answers.stream().filter(a -> !a.kind().core())
          .map(this::followOptional).toList();
      return Future.join(core, Future.join(optional)).transform(done -> {
        if (!closed) {
          reportOptional(optional.stream().map(Future::result).toList()); // those never fail
          if (followed.size() > followedBefore) {
            rebuilds.request(); // the view reads more caches now
          }
        }
        return core;
      });
    });
  }

  /** Asks again, after {@link #gatewayApiCheckMillis}, for the Gateway API kinds not followed yet, if any. */
  private void lookForGatewayApiLater() {
    if (!closed && followed.size() < GatewayApiKind.values().length) {
      gatewayApiTimer = vertx.setTimer(gatewayApiCheckMillis,
          id -> lookForGatewayApi().onComplete(looked -> lookForGatewayApiLater()));
    }
  }

  /** The cluster does not serve (all) the core kinds: logged once, shown by status. */
  private void coreMissing(List<String> missing) {
    if (missingGatewayApi.isEmpty()) {
      LOG.warn("kubernetes: the cluster does not serve the Gateway API ({} not found: its CRDs are not installed);"
          + " gatewayClass {} is not served, {} are; looking for it again every {}", String.join(", ", missing),
          config.gatewayClass(), ingresses == null ? "Nodes and Services" : "Nodes, Services and Ingresses",
          Durations.format(Duration.ofMillis(gatewayApiCheckMillis)));
    }
    if (!missing.equals(missingGatewayApi)) {
      missingGatewayApi = missing; // some of the CRDs are there now
      stateChanged.run();
    }
  }

  /** Starts informers; completes (on the context) once all are synced. When one cannot start, all are stopped. */
  private Future<Void> startInformers(List<SharedIndexInformer<?>> starting) {
    List<Future<Void>> synced = new ArrayList<>();
    for (SharedIndexInformer<?> informer : starting) {
      informers.add(informer);
      informer.addEventHandler(onEvent);
      synced.add(Future.fromCompletionStage(informer.start(), context).onSuccess(v -> started.add(informer)));
    }
    return Future.all(synced).<Void>mapEmpty().onFailure(e -> {
      starting.forEach(SharedIndexInformer::close);
      informers.removeAll(starting);
      started.removeAll(starting);
    });
  }

  /** Starts the core Gateway API informers (and Namespaces'); the view reads their caches once all are synced. */
  private Future<Void> followCore() {
    SharedIndexInformer<GatewayClass> classes = client.resources(GatewayClass.class).runnableInformer(0);
    SharedIndexInformer<io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway> gws =
        client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class).inAnyNamespace()
            .runnableInformer(0);
    SharedIndexInformer<HTTPRoute> routes = client.resources(HTTPRoute.class).inAnyNamespace().runnableInformer(0);
    SharedIndexInformer<Namespace> ns = client.namespaces().runnableInformer(0);
    return startInformers(List.of(classes, gws, routes, ns)).<Void>map(v -> {
      gatewayClasses = classes;
      gateways = gws;
      httpRoutes = routes;
      namespaces = ns;
      Arrays.stream(GatewayApiKind.values()).filter(GatewayApiKind::core).forEach(followed::add);
      if (!missingGatewayApi.isEmpty()) {
        LOG.info("kubernetes: the Gateway API is installed now: serving gatewayClass {}", config.gatewayClass());
        missingGatewayApi = List.of();
        stateChanged.run();
      }
      return null;
    }).onFailure(e -> {
      if (!missingGatewayApi.isEmpty()) { // at the start, the start fails instead
        LOG.warn("kubernetes: the Gateway API is installed now but cannot be followed ({}); trying again in {}",
            describe(e), Durations.format(Duration.ofMillis(gatewayApiCheckMillis)));
      }
    });
  }

  /**
   * Follows an optional kind the cluster serves, at the version it serves: its cache joins the view once synced.
   *
   * @return {@code answer}, or, when its informer cannot start, why it is not followed
   */
  private Future<GatewayApiKind.Answer> followOptional(GatewayApiKind.Answer answer) {
    if (!answer.served()) {
      return Future.succeededFuture(answer);
    }
    Future<Void> following = switch (answer.kind()) {
      case GRPC_ROUTES -> follow(client.resources(GRPCRoute.class).inAnyNamespace().runnableInformer(0),
          i -> grpcRoutes = i.getStore()::list);
      case REFERENCE_GRANTS -> answer.version().equals("v1")
          ? follow(client.resources(ReferenceGrant.class).inAnyNamespace().runnableInformer(0),
              i -> referenceGrants = i.getStore()::list)
          : follow(client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class)
              .inAnyNamespace().runnableInformer(0),
              i -> referenceGrants = () -> i.getStore().list().stream().map(KubernetesSource::v1).toList());
      case BACKEND_LB_POLICIES -> follow(client.genericKubernetesResources(answer.kind().at(answer.version()))
          .inAnyNamespace().runnableInformer(0), i -> backendLBPolicies = i.getStore()::list);
      default -> throw new IllegalArgumentException(answer.kind() + " is followed with the core kinds");
    };
    return following.map(v -> {
      followed.add(answer.kind());
      return answer;
    }).otherwise(e -> new GatewayApiKind.Answer(answer.kind(), null, GatewayApiKind.Unserved.FAILED, describe(e)));
  }

  /** Starts {@code informer}; once it is synced, {@code use} takes it (the view reads its cache from then on). */
  private <T> Future<Void> follow(SharedIndexInformer<T> informer, Consumer<SharedIndexInformer<T>> use) {
    return startInformers(List.of(informer)).onSuccess(v -> use.accept(informer));
  }

  /** A v1beta1 ReferenceGrant as the v1 object the translator takes: the same fields. */
  private static ReferenceGrant v1(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant g) {
    return new ReferenceGrant(GatewayApiTranslator.GROUP + "/v1", "ReferenceGrant", g.getMetadata(), g.getSpec());
  }

  /**
   * Logs why each optional kind asked for is not followed, once (again when the reason changes: a 403 after a 404),
   * and that one is followed now after it was not; status shows the former.
   */
  private void reportOptional(List<GatewayApiKind.Answer> answers) {
    List<String> unserved = new ArrayList<>();
    for (GatewayApiKind.Answer a : answers) {
      GatewayApiKind.Answer before = loggedUnserved.get(a.kind());
      if (a.served()) {
        if (loggedUnserved.remove(a.kind()) != null) {
          LOG.info("kubernetes: {}.{}/{} is served now: followed", a.kind().plural(), GatewayApiTranslator.GROUP,
              a.version());
        }
        continue;
      }
      unserved.add(a.describe());
      if (before == null || before.unserved() != a.unserved()) {
        loggedUnserved.put(a.kind(), a);
        String line = "kubernetes: " + a.describe() + "; looking for it again every "
            + Durations.format(Duration.ofMillis(gatewayApiCheckMillis));
        if (a.unserved() == GatewayApiKind.Unserved.NOT_FOUND) {
          LOG.info(line);
        } else {
          LOG.warn(line);
        }
      }
    }
    if (!unserved.equals(unservedGatewayApi)) {
      unservedGatewayApi = List.copyOf(unserved);
      stateChanged.run();
    }
  }

  /** The core Gateway API kinds the cluster does not serve (their CRDs are not installed): for status. */
  public List<String> missingGatewayApi() {
    return missingGatewayApi;
  }

  /**
   * The optional Gateway API kinds not followed while the core ones are, each with why and what is not served then
   * ("grpcroutes.gateway.networking.k8s.io/v1 not found (its CRD is not installed): GRPCRoutes are not served"): for
   * status.
   */
  public List<String> unservedGatewayApi() {
    return unservedGatewayApi;
  }

  /**
   * edgeport's listeners as bound now (a reload moved a listener or changed {@code listen.h2c}, or port 0 picked one):
   * the Gateway listeners are checked against them from now on. On the context.
   *
   * @return the state for them, rebuilt at once when they changed; the caller applies it (it is not published)
   */
  public ClusterState listeningOn(GatewayApiTranslator.EdgeListeners bound) {
    if (!bound.equals(edge)) {
      edge = bound;
      refresh();
    }
    return last;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  /** From the informers' threads: coalesce a burst of events into one rebuild. */
  private void changed() {
    context.runOnContext(v -> rebuilds.request());
  }

  /** Rebuilds the view and publishes it when it changed. */
  private void rebuild() {
    ClusterState before = last;
    refresh();
    if (last != before) {
      publish.accept(last);
    }
    afterRebuild.run();
  }

  /**
   * Builds the state from the caches (the new one in {@link #last} when it differs) and writes what it reports. The
   * Gateway API and the rest are translated each on its own: when one throws (an object no translator foresaw), its
   * last result keeps serving, the failure is logged once and shown by status, and the other goes on following the
   * cluster.
   */
  private void refresh() {
    core = translated(CORE, () -> KubernetesTranslator.assemble(nodes.getStore().list(), services.getStore().list(),
        ingresses == null ? List.of() : ingresses.getStore().list(), secrets, config, this::noteOnce), core);
    gatewayApi = translated(GATEWAY_API, this::translateGatewayApi, gatewayApi); // after the core: its Services
    Set<String> wanted = wantedSecrets();
    if (!wanted.equals(secretsRead)) {
      readSecrets(wanted); // a rebuild follows once they are read
    }
    if (core == null) {
      return; // nothing could be translated yet: the start fails
    }
    ClusterState next = core.plus(gatewayApi.domains(), gatewayApi.certificates(), gatewayApi.acmeRequests());
    gatewayApi.notes().forEach(this::noteOnce);
    logExclusions(next.excludedNodes());
    if (!next.equals(last)) {
      last = next;
    }
    if (status != null) {
      translated(STATUS, () -> {
        writeStatus(next);
        return null;
      }, null);
    }
  }

  /**
   * Writes what {@code state} reports, of the parts that translate now: a stale translation written onto the objects
   * as they are now would undo what the API or other controllers changed since (a Service no longer of this class).
   */
  private void writeStatus(ClusterState state) {
    if (!failing.containsKey(CORE)) {
      if (ingresses != null && config.publishAddress() != null) {
        status.ingresses(IngressTranslator.served(ingresses.getStore().list(), config.ingressClass()),
            config.publishAddress());
      }
      if (config.loadBalancer() != null) {
        // the state's Services, as translated (one created since the store was read is not among them yet)
        status.services(services.getStore().list().stream().filter(s -> {
          ServiceInfo info = state.services().get(GatewayApiObjects.key(s));
          return info != null && LoadBalancerTranslator.serves(info, config.loadBalancer());
        }).toList(), LoadBalancerTranslator.of(state.services(), config.loadBalancer()), this::reportEvent);
      }
    }
    if (gateways != null && !failing.containsKey(GATEWAY_API)) {
      status.gatewayApi(gatewayApi, gatewayClasses.getStore().list(), gateways.getStore().list(),
          httpRoutes.getStore().list(), grpcRoutes.get());
    }
  }

  /**
   * What {@code translation} of {@code part} gives, or {@code otherwise} when it throws: a bug to report, logged (with
   * its stack) once per distinct failure and shown by status until the part translates again.
   */
  private <T> T translated(String part, Supplier<T> translation, T otherwise) {
    try {
      T result = translation.get();
      translatedOnce.add(part);
      if (failing.remove(part) != null) {
        LOG.info("kubernetes: {} translate again", part);
        stateChanged.run();
      }
      return result;
    } catch (RuntimeException e) {
      String why = "cannot translate " + part + " (" + e + "); " + (translatedOnce.contains(part)
          ? "what was translated of them before stays" : "nothing of them is served yet");
      Failing before = failing.get(part);
      Set<String> logged = before == null ? new HashSet<>() : before.logged();
      if (logged.size() < MAX_FAILURES_LOGGED && logged.add(why)) {
        LOG.error("kubernetes: {}", why, e);
      }
      failing.put(part, new Failing(before == null ? Instant.now() : before.since(), why, logged));
      if (before == null || !before.last().equals(why)) {
        stateChanged.run();
      }
      return otherwise;
    }
  }

  /** Why a part of the cluster cannot be translated now, and since when (empty: all translate): for status. */
  public List<String> translationFailures() {
    return failing.values().stream().map(f -> "since " + f.since().truncatedTo(ChronoUnit.SECONDS) + ": " + f.last())
        .toList();
  }

  /** A part that cannot be translated: since when, its last failure, and each failure logged so far. */
  private record Failing(Instant since, String last, Set<String> logged) {}

  private GatewayApiTranslator.Result translateGatewayApi() {
    GatewayApiTranslator.Inputs in = gatewayApiInputs();
    return in == null ? GatewayApiTranslator.Result.EMPTY
        : GatewayApiTranslator.build(in, config.gatewayClass(), edge, config.publishAddress());
  }

  /**
   * The Gateway API objects as the informers hold them now (an optional kind not followed: none), with the Services
   * as the core translated them last: while a Service breaks that translation, the Gateway API goes on following the
   * cluster onto the Services as they were (before the first, they are translated here). Null while the core kinds
   * are not followed. On the context.
   */
  GatewayApiTranslator.Inputs gatewayApiInputs() {
    if (gateways == null) {
      return null;
    }
    Map<String, ServiceInfo> translatedServices = core != null ? core.services()
        : ServiceTranslator.translate(services.getStore().list(), List.of());
    return new GatewayApiTranslator.Inputs(gatewayClasses.getStore().list(), gateways.getStore().list(),
        httpRoutes.getStore().list(), grpcRoutes.get(), referenceGrants.get(), backendLBPolicies.get(),
        namespaces.getStore().list(), translatedServices, secrets,
        followed.stream().filter(k -> !k.core()).map(GatewayApiKind::kind).collect(java.util.stream.Collectors.toSet()));
  }

  /** The Secrets that Ingress TLS and HTTPS Gateway listeners name. */
  private Set<String> wantedSecrets() {
    Set<String> out = new TreeSet<>(gatewayApi.secrets());
    if (ingresses != null) {
      out.addAll(IngressTranslator.tlsSecrets(IngressTranslator.served(ingresses.getStore().list(), config.ingressClass())));
    }
    return out;
  }

  /**
   * A Warning Event on a Service ({@code namespace/name}): a port this replica cannot listen on (every replica
   * reports its own, holding the Lease or not), or a port refused (reported by the Lease holder).
   */
  public void reportEvent(String service, String reason, String message) {
    int slash = service.indexOf('/');
    String ns = service.substring(0, slash);
    String name = service.substring(slash + 1);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    vertx.executeBlocking(() -> {
      Service svc = services.getStore().getByKey(service);
      client.v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata().withGenerateName(name + ".")
          .withNamespace(ns).endMetadata()
          .withNewInvolvedObject().withApiVersion("v1").withKind("Service").withNamespace(ns).withName(name)
          .withUid(svc == null ? null : svc.getMetadata().getUid()).endInvolvedObject()
          .withType("Warning").withReason(reason).withMessage(message)
          .withNewSource().withComponent("edgeport").withHost(StatusWriter.HOST).endSource()
          .withReportingComponent("edgeport.io/lb").withReportingInstance(StatusWriter.HOST)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build()).create();
      return null;
    }, false).onFailure(e -> LOG.warn("service {}: cannot report event {}: {}", service, reason, describe(e)));
  }

  /** Does this replica write status now (it holds the Lease)? For the status view. */
  public boolean writesStatus() {
    return status != null && status.leading();
  }

  /**
   * Runs {@code listener} on the source's context (the one it was made with) whenever this replica starts or stops
   * holding the Lease; {@link #writesStatus} then says which, as of now. Replaces an earlier listener. A source with
   * nothing to write and no ACME orders (no publishAddress, gatewayClass, loadBalancer or acme) competes for no Lease:
   * it never runs.
   */
  public void onLeadershipChange(Runnable listener) {
    if (status != null) {
      status.onLeadershipChange(listener);
    }
  }

  /** Does this source compete for the Lease (it has status to write, or ACME orders)? */
  public boolean competesForLease() {
    return status != null;
  }

  /**
   * The Lease's namespace (the default one of ACME's Secrets): {@code kubernetes.leaderElection.namespace}, else the
   * pod's (POD_NAMESPACE), else the client's, else default.
   */
  public String leaseNamespace() {
    return StatusWriter.leaseNamespace(config, client);
  }

  /**
   * ACME state in the Secrets of {@code namespace} (null: the Lease's), on this source's client: it is usable until the
   * source closes.
   */
  public SecretStore acmeStore(String namespace) {
    return new SecretStore(client, namespace != null ? namespace : leaseNamespace());
  }

  /** Reads {@code wanted} on a worker; a change of what was read rebuilds the view. */
  private Future<Void> readSecrets(Set<String> wanted) {
    if (readingSecrets || wanted.isEmpty() && secretsRead.isEmpty()) {
      return Future.succeededFuture(); // one read at a time: the next rebuild or refresh reads again
    }
    readingSecrets = true;
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    return vertx.executeBlocking(() -> {
      Map<String, Secret> found = new TreeMap<>();
      Set<String> missing = new TreeSet<>();
      for (String ref : wanted) {
        int slash = ref.indexOf('/');
        try {
          Secret s = client.secrets().inNamespace(ref.substring(0, slash)).withName(ref.substring(slash + 1)).get();
          if (s != null) {
            found.put(ref, s);
          } else {
            missing.add(ref); // fabric8's get() is null only for a 404; a refusal (403) throws
          }
        } catch (RuntimeException e) {
          problems.add("secret " + ref + ": cannot read it: " + describe(e));
        }
      }
      return new SecretsRead(found, missing);
    }, false).map(read -> {
      readingSecrets = false;
      problems.forEach(this::noteOnce);
      secretsRead = wanted;
      if (!read.equals(secrets)) {
        secrets = read;
        rebuilds.request();
      }
      return (Void) null;
    }).onFailure(e -> readingSecrets = false);
  }

  /** Runs, on the context, after every rebuild of the view, whether or not it changed. */
  void afterRebuild(Runnable listener) {
    this.afterRebuild = listener;
  }

  private void noteOnce(String note) {
    if (loggedIngressNotes.add(note)) {
      LOG.warn(note);
    }
  }

  private void logExclusions(Map<String, String> excluded) {
    excluded.forEach((node, why) -> {
      if (!why.equals(lastExcluded.get(node))) {
        LOG.info("node {} excluded: {}", node, why);
      }
    });
    lastExcluded.keySet().stream().filter(n -> !excluded.containsKey(n))
        .forEach(n -> LOG.info("node {} included again", n));
    lastExcluded = excluded;
  }

  private void checkConnection() {
    // an informer still starting (the Gateway API's, just installed) does not count yet
    boolean watching = started.stream().allMatch(SharedIndexInformer::isWatching);
    if (!watching && disconnectedSince == null) {
      disconnectedSince = Instant.now();
      LOG.warn("kubernetes: disconnected since {}; serving the last known state while reconnecting",
          disconnectedSince);
      stateChanged.run();
    } else if (watching && disconnectedSince != null) {
      LOG.info("kubernetes: reconnected after being disconnected since {}", disconnectedSince);
      disconnectedSince = null;
      stateChanged.run();
    }
  }

  /** "connected", or "disconnected since …": for logs and the status view. */
  public String apiState() {
    Instant since = disconnectedSince;
    return since == null ? "connected" : "disconnected since " + since;
  }

  /**
   * Stops following the API: first the status writer (its writes finish, its Lease is released so that another
   * replica takes over at once), then the watches. Runs on the context.
   */
  public Future<Void> close() {
    if (closing != null) {
      return closing;
    }
    closed = true;
    if (connectionTimer >= 0) {
      vertx.cancelTimer(connectionTimer);
      vertx.cancelTimer(secretTimer);
    }
    if (gatewayApiTimer >= 0) {
      vertx.cancelTimer(gatewayApiTimer);
    }
    Future<Void> released = status == null ? Future.succeededFuture() : status.close();
    closing = released.onComplete(v -> {
      informers.forEach(SharedIndexInformer::close);
      client.close();
    });
    return closing;
  }
}
