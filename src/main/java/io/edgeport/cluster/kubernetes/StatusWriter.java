package io.edgeport.cluster.kubernetes;

import io.edgeport.cluster.ServiceEvents;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.net.Cidr;
import io.edgeport.translate.LoadBalancerTranslator;
import io.edgeport.translate.gatewayapi.GatewayApiObjects;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.edgeport.translate.gatewayapi.ObjectStatus;
import io.edgeport.translate.gatewayapi.StatusObjects;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what edgeport reports into the API: Ingress and LoadBalancer Service addresses and Gateway API status. Every
 * replica serves traffic, but only the holder of a {@code coordination.k8s.io} Lease writes, so that replicas
 * do not fight over status; when the holder stops, another takes over within the lease duration (at once
 * when it stops cleanly: it releases the Lease). A write happens only when the status differs from what the
 * API holds, apart from condition transition times, which are kept while a condition stays the same.
 */
final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.kubernetes");
  /** A stop does not wait longer than this for the API to take the Lease back. */
  private static final long RELEASE_TIMEOUT_SECONDS = 3;

  private final Vertx vertx;
  private final Context context;
  private final KubernetesClient client;
  private final KubernetesConfig config;
  /** This host's name, for Lease identities and Events. */
  static final String HOST = hostName();
  private final String identity;
  private final Runnable becameLeader;
  private volatile Runnable leadershipChanged = () -> { };
  private CompletableFuture<?> election;
  private volatile boolean leading;
  /** Status writes under way (on the context). */
  private final Set<Future<Void>> writing = new HashSet<>();
  /** GatewayClasses whose CRD dropped the supportedFeatures written (before Gateway API v1.4): not compared again. */
  private final Set<String> withoutFeatures = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** The served LoadBalancer Services' status, with kubernetes.loadBalancer; else null. */
  private final LoadBalancerStatus services;

  /** @param becameLeader runs on the context when this replica takes the lease (then status is written again) */
  StatusWriter(Vertx vertx, Context context, KubernetesClient client, KubernetesConfig config, Runnable becameLeader) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.config = config;
    // the pid names the process; the random part (client-go uses a UUID) tells apart two sources of one process and a
    // restart that got the same pid
    this.identity = HOST + "_" + ProcessHandle.current().pid() + "_" + UUID.randomUUID().toString().substring(0, 8);
    this.becameLeader = becameLeader;
    this.services = config.loadBalancer() == null ? null
        : new LoadBalancerStatus(client, config.loadBalancer().addresses(), this::write);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "edgeport";
    }
  }

  /** The Lease's namespace: as configured, else the pod's (POD_NAMESPACE), else the client's, else default. */
  static String leaseNamespace(KubernetesConfig config, KubernetesClient client) {
    String configured = config.leaderElection().namespace();
    return configured != null ? configured
        : System.getenv("POD_NAMESPACE") != null ? System.getenv("POD_NAMESPACE")
        : Objects.requireNonNullElse(client.getNamespace(), "default");
  }

  /** Runs {@code listener} on the context each time this replica takes or loses the Lease (after becameLeader). */
  void onLeadershipChange(Runnable listener) {
    leadershipChanged = listener;
  }

  /** Starts competing for the Lease. */
  void start() {
    KubernetesConfig.LeaderElection le = config.leaderElection();
    String namespace = leaseNamespace(config, client);
    Duration lease = le.leaseDuration();
    // client-go's proportions (15s lease, 10s renew deadline, 2s retry)
    Duration renew = lease.multipliedBy(2).dividedBy(3);
    Duration retry = lease.dividedBy(7).compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : lease.dividedBy(7);
    election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName(le.name())
        .withLock(new LeaseLock(namespace, le.name(), identity))
        .withLeaseDuration(lease).withRenewDeadline(renew).withRetryPeriod(retry)
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(() -> {
          leading = true;
          LOG.info("status writer: this replica ({}) holds lease {}/{} and writes status", identity, namespace, le.name());
          context.runOnContext(v -> {
            becameLeader.run();
            leadershipChanged.run();
          });
        }, () -> {
          leading = false;
          LOG.info("status writer: this replica ({}) no longer holds lease {}/{}", identity, namespace, le.name());
          context.runOnContext(v -> leadershipChanged.run());
        }, leader -> LOG.debug("status writer: lease {}/{} held by {}", namespace, le.name(), leader)))
        .build()).build().start();
  }

  boolean leading() {
    return leading;
  }

  String identity() {
    return identity;
  }

  /** Writes {@code address} into the status of every served Ingress that does not show exactly it. */
  void ingresses(List<Ingress> served, String address) {
    if (!leading) {
      return;
    }
    boolean ip = Cidr.IpLiterals.parse(address) != null;
    IngressLoadBalancerIngress wanted = ip ? new IngressLoadBalancerIngressBuilder().withIp(address).build()
        : new IngressLoadBalancerIngressBuilder().withHostname(address).build();
    for (Ingress ing : served) {
      List<IngressLoadBalancerIngress> current = ing.getStatus() == null || ing.getStatus().getLoadBalancer() == null
          ? null : ing.getStatus().getLoadBalancer().getIngress();
      if (current != null && current.size() == 1 && Objects.equals(current.get(0).getIp(), wanted.getIp())
          && Objects.equals(current.get(0).getHostname(), wanted.getHostname())) {
        continue;
      }
      String ns = ing.getMetadata().getNamespace();
      String name = ing.getMetadata().getName();
      write("ingress " + ns + "/" + name, () -> client.network().v1().ingresses().inNamespace(ns).withName(name)
          .editStatus(i -> {
            i.setStatus(new IngressStatusBuilder().withNewLoadBalancer().withIngress(wanted).endLoadBalancer().build());
            return i;
          }));
    }
  }

  /**
   * Writes the status of every served LoadBalancer Service that shows another than {@link LoadBalancerStatus} says for
   * {@code ports}, the translation of them all; a port newly refused is reported to {@code events}.
   */
  void services(List<Service> served, LoadBalancerTranslator.Ports ports, ServiceEvents events) {
    if (leading) {
      services.write(served, ports, events);
    }
  }

  /** Writes the Gateway API status of {@code translated} where the API holds another. */
  void gatewayApi(GatewayApiTranslator.Result translated, List<GatewayClass> classes, List<Gateway> gateways,
      List<HTTPRoute> routes, List<GRPCRoute> grpcRoutes) {
    if (!leading) {
      return;
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (GatewayClass gc : classes) {
      ObjectStatus.GatewayClass ours = translated.classStatus().get(gc.getMetadata().getName());
      if (ours == null) {
        continue;
      }
      String name = gc.getMetadata().getName();
      GatewayClassStatus current = gc.getStatus() == null ? new GatewayClassStatus() : gc.getStatus();
      GatewayClassStatus next = classStatus(ours, current, now, !withoutFeatures.contains(name));
      if (next != current) {
        write("gatewayclass " + name, () -> {
          GatewayClass written = client.resources(GatewayClass.class).withName(name).editStatus(c -> {
            c.setStatus(new GatewayClassStatusBuilder(c.getStatus() == null ? new GatewayClassStatus() : c.getStatus())
                .withConditions(next.getConditions()).withSupportedFeatures(next.getSupportedFeatures()).build());
            return c;
          });
          if (!next.getSupportedFeatures().isEmpty() && (written.getStatus() == null
              || written.getStatus().getSupportedFeatures() == null
              || written.getStatus().getSupportedFeatures().isEmpty()) && withoutFeatures.add(name)) {
            LOG.info("gatewayclass {}: its CRD has no status.supportedFeatures (Gateway API before v1.4):"
                + " they are not written", name);
          }
        });
      }
    }
    for (Gateway g : gateways) {
      ObjectStatus.Gateway ours = translated.gatewayStatus().get(GatewayApiObjects.key(g));
      if (ours == null) {
        continue;
      }
      GatewayStatus wanted = StatusObjects.of(ours);
      GatewayStatus current = g.getStatus() == null ? new GatewayStatus() : g.getStatus();
      GatewayStatus next = withTimes(wanted, current, now);
      if (!sameGatewayStatus(next, current)) {
        String ns = g.getMetadata().getNamespace();
        String name = g.getMetadata().getName();
        write("gateway " + ns + "/" + name, () -> client.resources(Gateway.class).inNamespace(ns).withName(name)
            .editStatus(x -> {
              x.setStatus(next);
              return x;
            }));
      }
    }
    routes(routes, translated.routeStatus(), HTTPRoute.class,
        r -> r.getStatus() == null ? null : r.getStatus().getParents(),
        (r, parents) -> r.setStatus(new HTTPRouteStatusBuilder().withParents(parents).build()), now);
    routes(grpcRoutes, translated.grpcRouteStatus(), GRPCRoute.class,
        r -> r.getStatus() == null ? null : r.getStatus().getParents(),
        (r, parents) -> r.setStatus(new GRPCRouteStatusBuilder().withParents(parents).build()), now);
  }

  /**
   * The status a served GatewayClass should have: edgeport's conditions (transition times kept while unchanged) and
   * supported features, the rest of {@code current} kept; {@code current} itself when it already is that.
   *
   * @param features its CRD keeps supportedFeatures (false: they are not compared, or every change would write again)
   */
  static GatewayClassStatus classStatus(ObjectStatus.GatewayClass ours, GatewayClassStatus current, Instant now,
      boolean features) {
    GatewayClassStatus wanted = StatusObjects.of(ours);
    List<Condition> conditions = withTimes(wanted.getConditions(), current.getConditions(), now);
    List<SupportedFeature> have = Objects.requireNonNullElse(current.getSupportedFeatures(), List.of());
    if (conditions.equals(Objects.requireNonNullElse(current.getConditions(), List.of()))
        && (!features || have.equals(wanted.getSupportedFeatures()))) {
      return current;
    }
    return new GatewayClassStatusBuilder(current).withConditions(conditions)
        .withSupportedFeatures(wanted.getSupportedFeatures()).build();
  }

  /** Writes the status of each route of one kind whose parents, as {@code parents} reads them, differ. */
  private <R extends HasMetadata> void routes(List<R> routes, Map<String, ObjectStatus.Route> statuses, Class<R> kind,
      Function<R, List<RouteParentStatus>> parents, BiConsumer<R, List<RouteParentStatus>> setParents, Instant now) {
    for (R r : routes) {
      List<RouteParentStatus> current = Objects.requireNonNullElse(parents.apply(r), List.of());
      List<RouteParentStatus> next = routeParents(statuses.get(GatewayApiObjects.key(r)), current, now);
      if (!next.equals(current)) {
        String ns = r.getMetadata().getNamespace();
        String name = r.getMetadata().getName();
        write(kind.getSimpleName().toLowerCase(Locale.ROOT) + " " + ns + "/" + name,
            () -> client.resources(kind).inNamespace(ns).withName(name).editStatus(x -> {
              setParents.accept(x, next);
              return x;
            }));
      }
    }
  }

  /**
   * A route's parents as they should be: other controllers' as they are, then edgeport's ({@code ours}, null when it
   * serves no parent of the route), their transition times kept while a condition is unchanged.
   */
  static List<RouteParentStatus> routeParents(ObjectStatus.Route ours, List<RouteParentStatus> current, Instant now) {
    List<RouteParentStatus> next = new ArrayList<>();
    current.stream().filter(p -> !GatewayApiTranslator.CONTROLLER.equals(p.getControllerName())).forEach(next::add);
    for (RouteParentStatus p : ours == null ? List.<RouteParentStatus>of() : StatusObjects.of(ours)) {
      List<Condition> before = current.stream().filter(c -> GatewayApiTranslator.CONTROLLER.equals(c.getControllerName())
              && Objects.equals(c.getParentRef(), p.getParentRef())).findFirst()
          .map(RouteParentStatus::getConditions).orElse(List.of());
      next.add(new RouteParentStatusBuilder(p).withConditions(withTimes(p.getConditions(), before, now)).build());
    }
    return next;
  }

  private static boolean sameGatewayStatus(GatewayStatus a, GatewayStatus b) {
    return Objects.equals(a.getConditions(), b.getConditions()) && Objects.equals(a.getListeners(), b.getListeners())
        && Objects.equals(a.getAddresses(), b.getAddresses());
  }

  private static GatewayStatus withTimes(GatewayStatus wanted, GatewayStatus current, Instant now) {
    List<ListenerStatus> listeners = new ArrayList<>();
    for (ListenerStatus l : wanted.getListeners()) {
      List<Condition> before = current.getListeners() == null ? List.of() : current.getListeners().stream()
          .filter(c -> Objects.equals(c.getName(), l.getName())).findFirst().map(ListenerStatus::getConditions)
          .orElse(List.of());
      listeners.add(new ListenerStatusBuilder(l).withConditions(withTimes(l.getConditions(), before, now)).build());
    }
    return new GatewayStatusBuilder(wanted).withListeners(listeners)
        .withConditions(withTimes(wanted.getConditions(), current.getConditions(), now)).build();
  }

  /** {@code wanted} with each condition's lastTransitionTime: the current one's while its status is unchanged. */
  static List<Condition> withTimes(List<Condition> wanted, List<Condition> current, Instant now) {
    List<Condition> out = new ArrayList<>();
    for (Condition w : wanted) {
      Condition before = current == null ? null : current.stream().filter(c -> Objects.equals(c.getType(), w.getType()))
          .findFirst().orElse(null);
      String time = before != null && Objects.equals(before.getStatus(), w.getStatus())
          && before.getLastTransitionTime() != null ? before.getLastTransitionTime() : now.toString();
      out.add(new ConditionBuilder(w).withLastTransitionTime(time).build());
    }
    return out;
  }

  private void write(String what, Runnable call) {
    LOG.debug("status writer: writing the status of {}", what);
    Future<Void> write = vertx.executeBlocking(() -> {
      call.run();
      return null;
    }, false);
    writing.add(write);
    write.onComplete(ar -> writing.remove(write))
        .onFailure(e -> LOG.warn("{}: cannot write its status: {}", what, e.getMessage()));
  }

  /**
   * Stops competing: writes in flight finish, then a held Lease is released (on a worker: it is two API calls),
   * so another replica takes over at once. Bounded: a stop never waits long for the API.
   */
  Future<Void> close() {
    if (election == null) {
      return Future.succeededFuture();
    }
    return Future.join(List.copyOf(writing)).transform(v -> vertx.executeBlocking(() -> election.cancel(true), false))
        .timeout(RELEASE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .otherwise(false).mapEmpty();
  }
}
