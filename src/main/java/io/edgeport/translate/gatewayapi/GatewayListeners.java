package io.edgeport.translate.gatewayapi;

import static io.edgeport.translate.gatewayapi.Condition.fails;
import static io.edgeport.translate.gatewayapi.Condition.holds;

import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.net.HostNames;
import io.edgeport.translate.KubernetesTranslator;
import io.edgeport.translate.gatewayapi.Condition.Reason;
import io.edgeport.translate.gatewayapi.Condition.Type;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.EdgeListeners;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The listeners of the served Gateways, each checked against edgeport's own: protocol and port, hostname conflicts,
 * the route kinds it allows and, for HTTPS, its certificates. Their conditions, in the spec's order.
 */
final class GatewayListeners {
  private GatewayListeners() {}

  /**
   * One listener of a served Gateway, as evaluated.
   *
   * @param usable routes can attach to it (it is Programmed)
   * @param kinds  the route kinds it takes: HTTPRoute, or none
   */
  record Slot(Gateway gateway, Listener listener, boolean https, boolean usable, List<String> kinds,
      List<Condition> conditions) {
    String hostname() {
      return listener.getHostname() == null ? null : HostNames.canonical(listener.getHostname());
    }
  }

  /**
   * @param slots        every listener of the served Gateways, Gateway by Gateway, in their order
   * @param certificates what the HTTPS listeners' readable Secrets hold
   * @param secrets      the Secrets ("namespace/name") that HTTPS listeners may use: to read
   */
  record Evaluated(List<Slot> slots, List<DiscoveredCertificate> certificates, Set<String> secrets) {}

  static Evaluated evaluate(List<Gateway> gateways, Inputs in, EdgeListeners edge) {
    List<Slot> slots = new ArrayList<>();
    Set<String> secrets = new TreeSet<>();
    List<DiscoveredCertificate> certificates = new ArrayList<>();
    for (Gateway g : gateways) {
      Set<String> seen = new LinkedHashSet<>();
      for (Listener l : GatewayApiObjects.listeners(g)) {
        int port = l.getPort() == null ? 0 : l.getPort();
        String protocol = Objects.requireNonNullElse(l.getProtocol(), "");
        boolean https = protocol.equals("HTTPS");
        Condition refused = refused(protocol, port, edge);
        boolean conflicted = !seen.add(port + "/" + Objects.requireNonNullElse(l.getHostname(), ""));
        List<String> kinds = new ArrayList<>();
        Condition refs = kinds(l, kinds);
        if (https && refused == null) {
          Condition tls = certificates(g, l, in, secrets, certificates);
          refs = tls != null ? tls : refs;
        }
        boolean usable = refused == null && !conflicted && !kinds.isEmpty()
            && (refs == null || refs.reason() == Reason.InvalidRouteKinds);
        List<Condition> conditions = List.of(
            refused != null ? refused : conflicted
                ? fails(Type.Accepted, Reason.HostnameConflict, "another listener has the same port and hostname")
                : holds(Type.Accepted),
            new Condition(Type.Conflicted, conflicted, conflicted ? Reason.HostnameConflict : Reason.NoConflicts, ""),
            refs != null ? refs : holds(Type.ResolvedRefs),
            usable ? holds(Type.Programmed) : fails(Type.Programmed, Reason.Invalid, ""));
        slots.add(new Slot(g, l, https, usable, kinds, conditions));
      }
    }
    return new Evaluated(List.copyOf(slots), List.copyOf(certificates), Set.copyOf(secrets));
  }

  /** Accepted False when edgeport has no listener of this protocol and port, else null. */
  private static Condition refused(String protocol, int port, EdgeListeners edge) {
    boolean https = protocol.equals("HTTPS");
    if (!protocol.equals("HTTP") && !https) {
      return fails(Type.Accepted, Reason.UnsupportedProtocol,
          "edgeport serves HTTP and HTTPS listeners, not " + protocol);
    } else if (!https && !edge.http(port)) {
      return fails(Type.Accepted, Reason.PortUnavailable, "edgeport's HTTP listener is port 80"
          + (edge.httpPort() != 80 && edge.httpPort() > 0 ? " (or " + edge.httpPort() + ")" : "") + ", not " + port);
    } else if (https && edge.httpsPort() == 0) {
      return fails(Type.Accepted, Reason.PortUnavailable, "edgeport has no HTTPS listener (set listen.https)");
    } else if (https && !edge.https(port)) {
      return fails(Type.Accepted, Reason.PortUnavailable, "edgeport's HTTPS listener is port 443"
          + (edge.httpsPort() != 443 ? " (or " + edge.httpsPort() + ")" : "") + ", not " + port);
    }
    return null;
  }

  /**
   * The route kinds a listener allows, into {@code kinds} (HTTPRoute when it names none); ResolvedRefs False
   * (InvalidRouteKinds) for the last other kind it names, else null.
   */
  private static Condition kinds(Listener l, List<String> kinds) {
    List<RouteGroupKind> asked = l.getAllowedRoutes() == null ? null : l.getAllowedRoutes().getKinds();
    if (asked == null || asked.isEmpty()) {
      kinds.add("HTTPRoute");
      return null;
    }
    Condition refs = null;
    for (RouteGroupKind k : asked) {
      boolean httpRoute = "HTTPRoute".equals(k.getKind())
          && GatewayApiTranslator.GROUP.equals(Objects.requireNonNullElse(k.getGroup(), GatewayApiTranslator.GROUP));
      if (!httpRoute) {
        refs = fails(Type.ResolvedRefs, Reason.InvalidRouteKinds, "edgeport serves HTTPRoute, not " + k.getKind());
      } else if (!kinds.contains("HTTPRoute")) {
        kinds.add("HTTPRoute");
      }
    }
    return refs;
  }

  /** The Secrets of an HTTPS listener, read into certificates; ResolvedRefs False for its last bad ref, or null. */
  private static Condition certificates(Gateway g, Listener l, Inputs in, Set<String> wanted,
      List<DiscoveredCertificate> out) {
    if (l.getTls() == null || l.getTls().getCertificateRefs() == null || l.getTls().getCertificateRefs().isEmpty()) {
      return fails(Type.ResolvedRefs, Reason.InvalidCertificateRef, "an HTTPS listener needs tls.certificateRefs");
    }
    if (l.getTls().getMode() != null && !l.getTls().getMode().equals("Terminate")) {
      return fails(Type.ResolvedRefs, Reason.InvalidCertificateRef,
          "tls mode " + l.getTls().getMode() + " is not supported (edgeport terminates TLS)");
    }
    String gwNs = g.getMetadata().getNamespace();
    Condition problem = null;
    for (SecretObjectReference ref : l.getTls().getCertificateRefs()) {
      String ns = Objects.requireNonNullElse(ref.getNamespace(), gwNs);
      if (!Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()
          || !"Secret".equals(Objects.requireNonNullElse(ref.getKind(), "Secret"))) {
        problem = fails(Type.ResolvedRefs, Reason.InvalidCertificateRef, ref.getKind() + " is not a Secret");
        continue;
      }
      if (!ns.equals(gwNs) && !GatewayApiObjects.granted(in.grants(), GatewayApiTranslator.GROUP, "Gateway", gwNs, "",
          "Secret", ns, ref.getName())) {
        problem = fails(Type.ResolvedRefs, Reason.RefNotPermitted, "secret " + ns + "/" + ref.getName()
            + " is in another namespace and no ReferenceGrant there allows it");
        continue;
      }
      String id = ns + "/" + ref.getName();
      wanted.add(id);
      Secret secret = in.secrets().get(id);
      Map<String, String> data = secret == null || secret.getData() == null ? Map.of() : secret.getData();
      if (!data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
        problem = fails(Type.ResolvedRefs, Reason.InvalidCertificateRef,
            "secret " + id + (secret == null ? " cannot be read" : " has no tls.crt and tls.key"));
        continue;
      }
      List<String> hosts = l.getHostname() == null ? List.of() : List.of(HostNames.canonical(l.getHostname()));
      out.add(new DiscoveredCertificate(hosts, KubernetesTranslator.decode(data.get("tls.crt")),
          KubernetesTranslator.decode(data.get("tls.key")),
          "gateway " + GatewayApiObjects.key(g) + " listener " + l.getName() + " secret " + id));
    }
    return problem;
  }
}
