package io.edgeport.control;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.health.NodeHealth;
import io.edgeport.model.ClusterState;
import io.edgeport.model.Domain;
import io.edgeport.model.L4Conflict;
import io.edgeport.model.L4Route;
import io.edgeport.routing.Resolutions;
import io.edgeport.tcp.TcpListeners;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What edgeport serves and what it was built from, for status, metrics and tests: one value, published (on the
 * control context) after every new generation, reload outcome and source change, readable from any thread.
 *
 * @param config        the config applied; null before the first generation
 * @param cluster       nodes, excluded nodes with reasons, Services, discovered routes and certificates
 * @param domains       the merged domains: the config file's, then Ingresses', then Gateway API routes'
 * @param health        every checked node and check ({@code "127.0.0.3 on :30005" -> DOWN}) as the generation
 *                      reflects it
 * @param conflicts     hosts that two sources ask for, and which one won
 * @param unavailable   domains (and paths) that answer 503, with why
 * @param l4Routes      the LoadBalancer Service ports served (kubernetes.loadBalancer)
 * @param l4Conflicts   the LoadBalancer Service ports not served because an older Service has the port
 * @param l4Failures    the LoadBalancer ports that could not be bound, with why
 * @param source        the cluster source, read live (its API connection and its Lease change in between)
 * @param lastReload    the last config applied or refused (at start, on a file change or SIGHUP), or null
 * @param reloads       configs applied after the start, and configs refused
 */
public record Status(EdgeportConfig config, ClusterState cluster, List<Domain> domains,
    Resolutions resolutions, Map<String, NodeHealth.Status> health, List<String> conflicts,
    Map<String, String> unavailable, List<L4Route> l4Routes, List<L4Conflict> l4Conflicts,
    Map<TcpListeners.Bind, String> l4Failures, Source source, Reload lastReload, Reloads reloads) {

  /** Before the first generation. */
  public static final Status NONE = new Status(null, null, List.of(), new Resolutions(Map.of()), Map.of(),
      List.of(), Map.of(), List.of(), List.of(), Map.of(), Source.STATIC, null, new Reloads(0, 0));

  /** The outcome of a config applied or refused. */
  public record Reload(boolean ok, Instant at, String source, String error) {}

  public record Reloads(long applied, long refused) {}

  /** Where the cluster comes from, as status shows it. */
  public interface Source {
    Source STATIC = new Source() {
      @Override
      public String state() {
        return "static";
      }

      @Override
      public List<String> missingGatewayApi() {
        return List.of();
      }

      @Override
      public List<String> unservedGatewayApi() {
        return List.of();
      }

      @Override
      public boolean writesStatus() {
        return false;
      }

      @Override
      public List<String> translationFailures() {
        return List.of();
      }
    };

    /** "static", "connected" or "disconnected since …". */
    String state();

    /**
     * The Gateway API kinds the cluster does not serve (with {@code kubernetes.gatewayClass}: their CRDs are not
     * installed, so no Gateway API route is served); empty otherwise.
     */
    List<String> missingGatewayApi();

    /**
     * The optional Gateway API kinds (GRPCRoute, ReferenceGrant, BackendLBPolicy) not followed while the core ones
     * are, each with why and what is not served without it; empty otherwise.
     */
    List<String> unservedGatewayApi();

    /** Does this replica write status into the Kubernetes API now (it holds the Lease)? */
    boolean writesStatus();

    /** Why a part of the cluster cannot be translated now, and since when (empty: all translate). */
    List<String> translationFailures();
  }
}
