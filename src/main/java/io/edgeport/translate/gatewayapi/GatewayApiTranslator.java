package io.edgeport.translate.gatewayapi;

import io.edgeport.model.AcmeRequest;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.translate.KubernetesTranslator;
import io.edgeport.translate.SecretsRead;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.edgeport.model.ServiceInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gateway API objects → what edgeport serves, and the status it reports: pure functions of the
 * informers' caches, like {@link KubernetesTranslator} for Ingresses.
 *
 * <p>Readings the spec leaves open, taken here (the README repeats them):
 * <ul>
 *   <li>A listener on port 80 (or edgeport's own HTTP port) is the HTTP listener; 443 (or its HTTPS port) the
 *       HTTPS one. edgeport's ports may differ from the Gateway's where a NAT or port mapping sits between.</li>
 *   <li>A route that uses anything edgeport does not implement (a RegularExpression match, a filter other than
 *       the four core ones, filters on a backendRef) is not served at all, with Accepted False
 *       (UnsupportedValue), rather than served partly. So is a header filter that names a framing, Host,
 *       hop-by-hop or pseudo-header, or a header name or value that is not one.</li>
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
   */
  public record Inputs(List<GatewayClass> classes, List<Gateway> gateways, List<HTTPRoute> routes,
      List<GRPCRoute> grpcRoutes, List<ReferenceGrant> grants, List<GenericKubernetesResource> backendLBPolicies,
      List<Namespace> namespaces, Map<String, ServiceInfo> services, SecretsRead secrets) {}

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
   * @param notes        why something is not served, for the log
   */
  public record Result(List<Domain> domains, List<DiscoveredCertificate> certificates,
      List<AcmeRequest> acmeRequests, Set<String> secrets, Map<String, ObjectStatus.GatewayClass> classStatus,
      Map<String, ObjectStatus.Gateway> gatewayStatus, Map<String, ObjectStatus.Route> routeStatus,
      List<String> notes) {
    public static final Result EMPTY = new Result(List.of(), List.of(), List.of(), Set.of(), Map.of(), Map.of(),
        Map.of(), List.of());

    public Result {
      domains = List.copyOf(domains);
      certificates = List.copyOf(certificates);
      acmeRequests = List.copyOf(acmeRequests);
      secrets = Set.copyOf(secrets);
      classStatus = Map.copyOf(classStatus);
      gatewayStatus = Map.copyOf(gatewayStatus);
      routeStatus = Map.copyOf(routeStatus);
      notes = List.copyOf(notes);
    }
  }

  /**
   * The phases in order: the served GatewayClass, its Gateways (oldest first) and their listeners, the routes
   * (oldest first) attached to those, then each Gateway's status, which counts the routes attached.
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
    RouteAttachment.Attached routes = RouteAttachment.attach(GatewayApiObjects.oldestFirst(in.routes()), gateways,
        listeners.slots(), in);
    Map<String, ObjectStatus.Gateway> gatewayStatus = new LinkedHashMap<>();
    for (Gateway g : gateways) {
      gatewayStatus.put(GatewayApiObjects.key(g), GatewayStatuses.of(g,
          listeners.slots().stream().filter(s -> s.gateway() == g).toList(), routes.attached(), publishAddress));
    }
    List<String> notes = new ArrayList<>(listeners.notes());
    notes.addAll(routes.notes());
    return new Result(routes.domains(), listeners.certificates(), listeners.acmeRequests(), listeners.secrets(),
        Map.of(className, GatewayStatuses.of(ours)), gatewayStatus, routes.status(), notes);
  }
}
