package io.edgeport.control;

import io.edgeport.acme.AcmeStore;
import io.edgeport.acme.FileStore;
import io.edgeport.cluster.kubernetes.KubernetesClients;
import io.edgeport.cluster.kubernetes.KubernetesSource;
import io.edgeport.config.AcmeConfig;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the cluster comes from: the config's static node list, or the Kubernetes API followed as long as the config's
 * {@code kubernetes} section stays the same. The Kubernetes source checks Gateway listeners against edgeport's listen
 * ports: every commit tells it the ports bound then, so a reload that moves only {@code listen.http} or
 * {@code listen.https} re-checks them without restarting the watches. Used on the control context.
 */
public final class ClusterSources implements Status.Source {
  /** The root's logger: the control plane's lines read as one ({@code Edgeport - …}). */
  private static final Logger LOG = LoggerFactory.getLogger("io.edgeport.Edgeport");
  private static final long KUBERNETES_SYNC_MILLIS = 30_000;

  private final Vertx vertx;
  private final ControlLoop control;
  private final Consumer<ClusterState> changes;
  private final Runnable stateChanged;
  private KubernetesConfig section;
  private volatile KubernetesSource current;
  private ClusterState nodes;

  /** A source a config needs: for its {@code kubernetes} section (null: the static list). */
  public record Next(KubernetesConfig section, KubernetesSource source) {}

  /**
   * @param changes      receives each new cluster state of the current source, on the context
   * @param stateChanged runs, on the context, when the API connection is lost or back, when the Gateway API kinds
   *                     appear, and when a part of the cluster cannot be translated or translates again
   */
  public ClusterSources(Vertx vertx, ControlLoop control, Consumer<ClusterState> changes, Runnable stateChanged) {
    this.vertx = vertx;
    this.control = control;
    this.changes = changes;
    this.stateChanged = stateChanged;
  }

  /**
   * The source {@code next} needs: the current one while its section stays, a new one started (its informers synced,
   * its first view built; a start that fails is the reload's failure), or the static list.
   */
  public Future<Next> prepare(EdgeportConfig next) {
    KubernetesConfig k8s = next.kubernetes();
    boolean acme = next.acme() != null;
    // ACME turned on needs a source that competes for the Lease (only its holder orders)
    if (Objects.equals(section, k8s) && (current == null || !acme || current.competesForLease())) {
      return Future.succeededFuture(new Next(section, current));
    }
    if (k8s == null) {
      return Future.succeededFuture(new Next(null, null));
    }
    KubernetesSource[] self = new KubernetesSource[1];
    self[0] = new KubernetesSource(vertx, control.context(), k8s, KubernetesClients.create(vertx, k8s),
        new GatewayApiTranslator.EdgeListeners(next.listen().http().port(),
            next.listen().https() == null ? 0 : next.listen().https().port(), next.listen().h2c()),
        state -> {
          if (self[0] == current) {
            changes.accept(state);
          }
        }, stateChanged, acme);
    return control.here(self[0].start(KUBERNETES_SYNC_MILLIS)).map(v -> new Next(k8s, self[0]));
  }

  /** Stops what {@link #prepare} started for a config that was refused after all. */
  public void abandon(Next chosen) {
    if (chosen.source() != null && chosen.source() != current) {
      chosen.source().close();
    }
  }

  /**
   * Follows {@code chosen} for {@code next} from now on; a source it replaces stops.
   *
   * @param leadershipChanged runs on the context when this replica takes or loses the Lease
   */
  public void commit(Next chosen, EdgeportConfig next, Runnable leadershipChanged) {
    if (chosen.source() != current) {
      if (current != null) {
        current.close();
        LOG.info("kubernetes: stopped following the API");
      }
      current = chosen.source();
      if (current != null) {
        current.onLeadershipChange(leadershipChanged);
      }
    }
    section = chosen.section();
    nodes = new ClusterState(next.nodes());
  }

  /**
   * Where ACME keeps its state for {@code config}: with the Kubernetes source, Secrets (read and written through the
   * source's client, so a store stays usable as long as the source is followed); else the storage directory.
   */
  public AcmeStore acmeStore(AcmeConfig config) {
    KubernetesSource k = current;
    return k != null ? k.acmeStore(config.namespace()) : new FileStore(config.storage());
  }

  /**
   * The cluster as it is served with edgeport listening on {@code bound} (before the first listeners are bound:
   * on {@code config}'s ports): a Gateway listener on one of them is edgeport's. The same value while nothing changed.
   */
  public ClusterState listeningOn(ProxyListeners.Pair bound, EdgeportConfig config) {
    KubernetesSource k = current;
    if (k == null) {
      return nodes;
    }
    return k.listeningOn(bound.http() != null
        ? new GatewayApiTranslator.EdgeListeners(bound.http().port(), bound.httpsPort(), config.listen().h2c())
        : new GatewayApiTranslator.EdgeListeners(config.listen().http().port(), config.listen().https() == null ? 0
            : config.listen().https().port(), config.listen().h2c()));
  }

  /**
   * A Warning Event on a Service ({@code namespace/name}) about this replica (a port it cannot listen on); none
   * without the Kubernetes source.
   */
  public void reportEvent(String service, String reason, String message) {
    KubernetesSource k = current;
    if (k != null) {
      k.reportEvent(service, reason, message);
    }
  }

  @Override
  public String state() {
    KubernetesSource k = current;
    return k == null ? "static" : k.apiState();
  }

  @Override
  public List<String> missingGatewayApi() {
    KubernetesSource k = current;
    return k == null ? List.of() : k.missingGatewayApi();
  }

  @Override
  public List<String> unservedGatewayApi() {
    KubernetesSource k = current;
    return k == null ? List.of() : k.unservedGatewayApi();
  }

  @Override
  public boolean writesStatus() {
    KubernetesSource k = current;
    return k != null && k.writesStatus();
  }

  @Override
  public List<String> translationFailures() {
    KubernetesSource k = current;
    return k == null ? List.of() : k.translationFailures();
  }

  /** Stops following the API (its Lease released first). */
  public Future<Void> close() {
    KubernetesSource k = current;
    return k == null ? Future.succeededFuture() : k.close();
  }
}
