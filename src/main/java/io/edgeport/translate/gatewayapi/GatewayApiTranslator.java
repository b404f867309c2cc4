package io.edgeport.translate.gatewayapi;

import io.edgeport.model.AcmeRequest;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.model.ServiceInfo;
import io.edgeport.translate.KubernetesTranslator;
import io.edgeport.translate.SecretsRead;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gateway API objects → what edgeport serves, and the status it reports: pure functions of the
 * informers' caches, like {@link KubernetesTranslator} for Ingresses.
 *
 * <p>Readings the spec leaves open, taken here (the README repeats them):
 * <ul>
 *   <li>A listener on port 80 (or edgeport's own HTTP port) is the HTTP listener; 443 (or its HTTPS port) the
 *       HTTPS one. edgeport's ports may differ from the Gateway's where a NAT or port mapping sits between.</li>
 *   <li>A route that uses anything edgeport does not implement (a RegularExpression match, an ExtensionRef or
 *       ExternalAuth filter, a backendRef filter other than the two header filters) is not served at all, with
 *       Accepted False (UnsupportedValue), rather than served partly. So is a header filter that names a framing,
 *       Host, hop-by-hop or pseudo-header, or a header name or value that is not one; and a route with a field that
 *       fabric8's typed model does not know (a newer API version's, or misspelt): the message names its path
 *       ({@code spec.rules[0].foo}); it is never ignored. Messages about a named rule name it ({@code rule 'x': }).
 *       </li>
 *   <li>HTTPS listeners take HTTPRoutes and GRPCRoutes (h2 by ALPN). The HTTP listener takes GRPCRoutes only with
 *       {@code listen.h2c: true}, when it speaks HTTP/2 with prior knowledge; without it GRPCRoute is not among its
 *       supportedKinds, naming it in allowedRoutes.kinds gives ResolvedRefs False (InvalidRouteKinds) saying so, and
 *       a GRPCRoute attaching there is not accepted (NotAllowedByListeners). The listener itself stays Accepted
 *       (the GRPCRoute spec's UnsupportedProtocol on the listener would stop its HTTPRoutes too).</li>
 *   <li>HTTPRoutes' and GRPCRoutes' rules on one host are that host's rules, oldest route first, with the usual
 *       precedence; but on one listener an HTTPRoute and a GRPCRoute whose hostnames intersect are not both served,
 *       as the GRPCRoute spec requires: the younger is not accepted there (NotAllowedByListeners, naming the older).
 *       The same host may still have HTTPRoutes on one listener and GRPCRoutes on another (HTTP and HTTPS).</li>
 *   <li>A GRPCRoute match of a service and method is the path {@code /SERVICE/METHOD} exactly, of a service the prefix
 *       {@code /SERVICE}, of a method that method of any service; its backends are reached over cleartext HTTP/2.</li>
 *   <li>Rule timeouts (GEP-1742, GEP-2257 durations; {@code 0s} is none) hold a rule instead of edgeport's
 *       {@code timeouts.response}; a backendRequest longer than the request (both non-zero) is refused. A rule's
 *       retry gives each of its backends {@code attempts + 1} tries (the default's 3 without attempts), on failed
 *       connections, resets, a backendRequest timeout where the rule has one, and its codes; tries may go round the
 *       nodes again; the default's retry budget still caps them. Mirrors are not retried beyond the default.</li>
 *   <li>A RequestMirror's backendRef is checked as a backendRef (a GRPCRoute's mirror speaks HTTP/2); one that cannot
 *       be used mirrors nothing and makes ResolvedRefs False. Several mirrors in a rule are allowed.</li>
 *   <li>CORS: see {@link CorsFilters} (no {@code *} origin with credentials). Session persistence: see
 *       {@link Sessions}; a rule without its own takes its backends' Services' BackendLBPolicy (the first backendRef's
 *       that has one, for all its backends, when they differ); the rule's own wins. edgeport writes no
 *       BackendLBPolicy status: a policy it cannot use is said in the log.</li>
 *   <li>A backendRef (or mirror) whose Service port has an appProtocol edgeport does not speak to nodes (anything but
 *       http, kubernetes.io/h2c, kubernetes.io/ws, and grpc for GRPCRoutes: no TLS to nodes yet) is kept, answered
 *       503 by the runtime, and reported: ResolvedRefs False (UnsupportedProtocol).</li>
 *   <li>{@code useDefaultGateways}: edgeport's Gateways are no default Gateways, so it attaches a route to none of
 *       them; the route's parentRefs still count.</li>
 *   <li>A backendRef that cannot be used (another kind, not permitted, no port) takes its share of requests and
 *       answers them 500; a Service that does not exist (or has no nodePort) answers 503, like an Ingress
 *       backend, and its ResolvedRefs is False (BackendNotFound).</li>
 *   <li>On a Gateway annotated {@code edgeport.io/acme: "true"}, an HTTPS listener without certificateRefs, or whose
 *       refs name Secrets that do not exist, is served with an ACME certificate for its hostname: its refs resolve
 *       (ResolvedRefs True). Without a hostname it cannot be (InvalidCertificateRef).</li>
 * </ul>
 */
public final class GatewayApiTranslator {
  public static final String CONTROLLER = "edgeport.io/gateway-controller";
  public static final String GROUP = "gateway.networking.k8s.io";

  private GatewayApiTranslator() {}

  /**
   * The Gateway API features edgeport implements (the spec's names, v1.4), in the order the GatewayClass status lists
   * them: alphabetical. {@code GatewayPort8080} is added where edgeport's HTTP listener is port 8080. Not listed:
   * what edgeport does not do ({@code HTTPRouteDestinationPortMatching}: it has one HTTP port;
   * {@code GatewayHTTPListenerIsolation}: a host that no rule of its listener takes falls through to a less specific
   * host's; static addresses, infrastructure propagation). Session persistence and retries have no feature name in
   * v1.4.
   */
  public static final List<String> SUPPORTED_FEATURES = List.of("GRPCRoute", "GRPCRouteNamedRouteRule", "Gateway",
      "HTTPRoute", "HTTPRouteBackendProtocolH2C", "HTTPRouteBackendProtocolWebSocket",
      "HTTPRouteBackendRequestHeaderModification", "HTTPRouteBackendTimeout", "HTTPRouteCORS", "HTTPRouteHostRewrite",
      "HTTPRouteMethodMatching", "HTTPRouteNamedRouteRule", "HTTPRouteParentRefPort", "HTTPRoutePathRedirect",
      "HTTPRoutePathRewrite", "HTTPRoutePortRedirect", "HTTPRouteQueryParamMatching", "HTTPRouteRequestMirror",
      "HTTPRouteRequestMultipleMirrors", "HTTPRouteRequestPercentageMirror", "HTTPRouteRequestTimeout",
      "HTTPRouteResponseHeaderModification", "HTTPRouteSchemeRedirect", "ReferenceGrant");

  /**
   * {@link #SUPPORTED_FEATURES} as this edgeport serves them, sorted: GRPCRoute's only where GRPCRoutes are followed
   * and the HTTP listener speaks h2c (conformance runs GRPCRoutes on an HTTP listener), ReferenceGrant only where
   * it is followed, and GatewayPort8080 where edgeport's HTTP listener is 8080.
   */
  static List<String> supportedFeatures(EdgeListeners edge, Set<String> followed) {
    Set<String> out = new TreeSet<>(SUPPORTED_FEATURES);
    if (!followed.contains("GRPCRoute") || !edge.h2c()) {
      out.removeIf(f -> f.startsWith("GRPCRoute"));
    }
    if (!followed.contains("ReferenceGrant")) {
      out.remove("ReferenceGrant");
    }
    if (edge.httpPort() == 8080) {
      out.add("GatewayPort8080");
    }
    return List.copyOf(out);
  }

  /**
   * edgeport's listeners: which Gateway listener ports map to them. {@code httpsPort} 0: no HTTPS listener;
   * {@code h2c}: the plain listener takes HTTP/2 with prior knowledge ({@code listen.h2c}), which GRPCRoutes on an
   * HTTP listener need.
   */
  public record EdgeListeners(int httpPort, int httpsPort, boolean h2c) {
    public EdgeListeners(int httpPort, int httpsPort) {
      this(httpPort, httpsPort, false);
    }

    boolean http(int port) {
      return port == 80 || port == httpPort;
    }

    boolean https(int port) {
      return httpsPort > 0 && (port == 443 || port == httpsPort);
    }
  }

  /**
   * The objects the translation is made from, as the informers hold them.
   *
   * @param grants            ReferenceGrants of v1 and of v1beta1 (the source makes the latter v1 objects: the same
   *                          fields)
   * @param backendLBPolicies BackendLBPolicies ({@code v1alpha2}, which the typed model lacks), or none where the
   *                          cluster does not serve them
   * @param services          the cluster's Services by "namespace/name"
   * @param followed          the optional kinds the source follows (GRPCRoute, ReferenceGrant, BackendLBPolicy):
   *                          status.supportedFeatures claims none of the others
   */
  public record Inputs(List<GatewayClass> classes, List<Gateway> gateways, List<HTTPRoute> routes,
      List<GRPCRoute> grpcRoutes, List<ReferenceGrant> grants, List<GenericKubernetesResource> backendLBPolicies,
      List<Namespace> namespaces, Map<String, ServiceInfo> services, SecretsRead secrets, Set<String> followed) {
    public Inputs {
      followed = Set.copyOf(followed);
    }
  }

  /**
   * @param domains      the hosts that attached routes serve ({@link Domain#gatewayApi()})
   * @param certificates the HTTPS listeners' certificates, from readable Secrets
   * @param acmeRequests the hostnames of opted-in Gateways' HTTPS listeners whose Secrets do not exist, one request
   *     per host ({@link GatewayListeners})
   * @param secrets      the Secrets ("namespace/name") that HTTPS listeners may use: to read
   * @param classStatus  the status of the served GatewayClass, by name
   * @param gatewayStatus the status of each served Gateway, by "namespace/name"
   * @param routeStatus  for each HTTPRoute ("namespace/name") with a parent edgeport serves: its status for those
   *     parents
   * @param grpcRouteStatus the same for GRPCRoutes (apart: their keys may be those of HTTPRoutes)
   * @param notes        why something is not served, for the log
   */
  public record Result(List<Domain> domains, List<DiscoveredCertificate> certificates,
      List<AcmeRequest> acmeRequests, Set<String> secrets, Map<String, ObjectStatus.GatewayClass> classStatus,
      Map<String, ObjectStatus.Gateway> gatewayStatus, Map<String, ObjectStatus.Route> routeStatus,
      Map<String, ObjectStatus.Route> grpcRouteStatus, List<String> notes) {
    public static final Result EMPTY = new Result(List.of(), List.of(), List.of(), Set.of(), Map.of(), Map.of(),
        Map.of(), Map.of(), List.of());

    public Result {
      domains = List.copyOf(domains);
      certificates = List.copyOf(certificates);
      acmeRequests = List.copyOf(acmeRequests);
      secrets = Set.copyOf(secrets);
      classStatus = Map.copyOf(classStatus);
      gatewayStatus = Map.copyOf(gatewayStatus);
      routeStatus = Map.copyOf(routeStatus);
      grpcRouteStatus = Map.copyOf(grpcRouteStatus);
      notes = List.copyOf(notes);
    }
  }

  /**
   * The phases in order: the served GatewayClass, its Gateways (oldest first) and their listeners, the
   * BackendLBPolicies, the routes of both kinds (oldest first; of equal age and name, HTTPRoutes first) attached to
   * those, then each Gateway's status, which counts the routes attached.
   */
  public static Result build(Inputs in, String className, EdgeListeners edge, String publishAddress) {
    GatewayClass ours = in.classes().stream()
        .filter(c -> c.getMetadata().getName().equals(className) && c.getSpec() != null
            && CONTROLLER.equals(c.getSpec().getControllerName()))
        .findFirst().orElse(null);
    if (ours == null) {
      return Result.EMPTY;
    }
    List<Gateway> gateways = GatewayApiObjects.oldestFirst(in.gateways().stream()
        .filter(g -> g.getSpec() != null && className.equals(g.getSpec().getGatewayClassName())).toList());
    GatewayListeners.Evaluated listeners = GatewayListeners.evaluate(gateways, in, edge);
    Sessions.Policies policies = Sessions.policies(in.backendLBPolicies());
    RouteRules.Context cx = new RouteRules.Context(in, policies.byService());
    List<HasMetadata> all = new ArrayList<>(in.routes());
    all.addAll(in.grpcRoutes());
    RouteAttachment.Attached routes = RouteAttachment.attach(GatewayApiObjects.oldestFirst(all).stream()
        .map(r -> RouteView.of(r, cx)).toList(), gateways, listeners.slots(), in, edge);
    Map<String, ObjectStatus.Gateway> gatewayStatus = new LinkedHashMap<>();
    for (Gateway g : gateways) {
      gatewayStatus.put(GatewayApiObjects.key(g), GatewayStatuses.of(g,
          listeners.slots().stream().filter(s -> s.gateway() == g).toList(), routes.attached(), publishAddress));
    }
    List<String> notes = new ArrayList<>(listeners.notes());
    notes.addAll(policies.notes());
    notes.addAll(routes.notes());
    return new Result(routes.domains(), listeners.certificates(), listeners.acmeRequests(), listeners.secrets(),
        Map.of(className, GatewayStatuses.of(ours, edge, in.followed())), gatewayStatus,
        routes.status().getOrDefault("HTTPRoute", Map.of()), routes.status().getOrDefault("GRPCRoute", Map.of()),
        notes);
  }
}
