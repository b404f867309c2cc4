package io.edgeport.translate.gatewayapi;

import static io.edgeport.translate.gatewayapi.Condition.fails;

import io.edgeport.model.AppProtocol;
import io.edgeport.model.BackendRef;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.ServiceInfo;
import io.edgeport.model.ServiceRef;
import io.edgeport.translate.gatewayapi.Condition.Reason;
import io.edgeport.translate.gatewayapi.Condition.Type;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import java.util.Objects;

/**
 * A backendRef of a route (or of a RequestMirror filter) → the {@link BackendRef} it names, or why it cannot be used.
 * A Service that does not exist is kept (its requests are answered 503, as for an Ingress: usually a rollout) and
 * reported; one whose port has an appProtocol edgeport does not speak ({@link AppProtocol}) cannot be used (500, as
 * GEP-1911 asks of an invalid backend).
 */
final class BackendRefs {
  private BackendRefs() {}

  /**
   * The route that refers, for ReferenceGrants and the protocol its backends speak.
   *
   * @param kind      HTTPRoute or GRPCRoute (a ReferenceGrant's {@code from.kind})
   * @param namespace the route's
   */
  record Referrer(String kind, String namespace) {
    boolean grpc() {
      return kind.equals("GRPCRoute");
    }
  }

  /**
   * @param ref     the backend, or null when the reference cannot be used at all
   * @param problem ResolvedRefs False: why it cannot be used, or what is wrong with the backend kept; null when nothing
   */
  record Resolved(BackendRef ref, Condition problem) {}

  /** {@code retry}: the rule's; GRPCRoute backends are reached over cleartext HTTP/2 (gRPC is HTTP/2). */
  static Resolved resolve(BackendObjectReference ref, Referrer from, RetryPolicy retry, Inputs in) {
    String ns = Objects.requireNonNullElse(ref.getNamespace(), from.namespace());
    String id = ns + "/" + ref.getName();
    if (!Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()
        || !"Service".equals(Objects.requireNonNullElse(ref.getKind(), "Service"))) {
      return new Resolved(null, fails(Type.ResolvedRefs, Reason.InvalidKind,
          "backendRef " + ref.getKind() + " " + ref.getName() + " is not a Service"));
    }
    if (!ns.equals(from.namespace()) && !GatewayApiObjects.granted(in.grants(), GatewayApiTranslator.GROUP,
        from.kind(), from.namespace(), "", "Service", ns, ref.getName())) {
      return new Resolved(null, fails(Type.ResolvedRefs, Reason.RefNotPermitted, "service " + id
          + " is in another namespace and no ReferenceGrant there allows it"));
    }
    if (ref.getPort() == null) {
      return new Resolved(null, fails(Type.ResolvedRefs, Reason.BackendNotFound, "backendRef " + id + " has no port"));
    }
    BackendRef backend = new BackendRef(0, new ServiceRef(ns, ref.getName(), String.valueOf(ref.getPort())),
        LoadBalancing.ROUND_ROBIN, HealthCheck.DEFAULT, retry, from.grpc(), 0);
    ServiceInfo service = in.services().get(id);
    if (service == null) {
      return new Resolved(backend, fails(Type.ResolvedRefs, Reason.BackendNotFound, "service " + id + " not found"));
    }
    String appProtocol = service.ports().stream().filter(p -> p.port() == ref.getPort()).findFirst()
        .map(ServiceInfo.Port::appProtocol).orElse(null);
    AppProtocol spoken = AppProtocol.of(appProtocol);
    if (spoken == AppProtocol.TLS || spoken == AppProtocol.OTHER || from.grpc() && spoken == AppProtocol.WEBSOCKET) {
      // GEP-1911: a backend that cannot be spoken to as it asks is invalid: its share is answered 500
      return new Resolved(null, fails(Type.ResolvedRefs, Reason.UnsupportedProtocol, "service " + id + " port "
          + ref.getPort() + " has appProtocol " + appProtocol + ", which edgeport does not speak to nodes"
          + (from.grpc() ? " for gRPC" : "") + " (it speaks http, kubernetes.io/h2c, grpc"
          + (from.grpc() ? "" : ", kubernetes.io/ws") + "; no TLS to nodes yet)"));
    }
    return new Resolved(backend, null);
  }
}
