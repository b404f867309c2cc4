package io.edgeport.translate.gatewayapi;

import static io.edgeport.translate.gatewayapi.Condition.fails;
import static io.edgeport.translate.gatewayapi.Condition.holds;

import io.edgeport.model.AcmeRequest;
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
import java.util.LinkedHashMap;
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
   * @param kinds  the route kinds it takes: HTTPRoute and GRPCRoute (on HTTP only with h2c), or those of them that
   *               its allowedRoutes.kinds names
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
   * @param acmeRequests the hostnames of the Programmed HTTPS listeners of opted-in Gateways that need an ACME
   *                     certificate, one request per host (the oldest Gateway's)
   * @param secrets      the Secrets ("namespace/name") that HTTPS listeners may use: to read
   * @param notes        what is wrong with a Gateway that its status does not say, for the log
   */
  record Evaluated(List<Slot> slots, List<DiscoveredCertificate> certificates, List<AcmeRequest> acmeRequests,
      Set<String> secrets, List<String> notes) {}

  /**
   * What an HTTPS listener's certificates give.
   *
   * @param problem ResolvedRefs False for its last bad ref, or null
   * @param acme    it is served with an ACME certificate for its hostname (its Gateway opted in, and it has no
   *                certificateRefs or one names a Secret that does not exist)
   */
  private record Tls(Condition problem, boolean acme) {
    static final Tls NONE = new Tls(null, false);
  }

  static Evaluated evaluate(List<Gateway> gateways, Inputs in, EdgeListeners edge) {
    List<Slot> slots = new ArrayList<>();
    Set<String> secrets = new TreeSet<>();
    List<DiscoveredCertificate> certificates = new ArrayList<>();
    Map<String, AcmeRequest> acme = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (Gateway g : gateways) {
      boolean optedIn = KubernetesTranslator.acme(g, "gateway " + GatewayApiObjects.key(g), notes::add);
      Set<String> seen = new LinkedHashSet<>();
      for (Listener l : GatewayApiObjects.listeners(g)) {
        int port = l.getPort() == null ? 0 : l.getPort();
        String protocol = Objects.requireNonNullElse(l.getProtocol(), "");
        boolean https = protocol.equals("HTTPS");
        Condition refused = refused(protocol, port, edge);
        if (refused == null && https && g.getSpec().getTls() != null && g.getSpec().getTls().getFrontend() != null) {
          // client certificates asked for and not checked would be a hole, not a degraded service: not served
          refused = fails(Type.Accepted, Reason.UnsupportedValue, "spec.tls.frontend (client certificate validation)"
              + " is not supported: edgeport does not serve an HTTPS listener without what it asks");
        }
        boolean conflicted = !seen.add(port + "/" + Objects.requireNonNullElse(l.getHostname(), ""));
        List<String> kinds = new ArrayList<>();
        Condition refs = kinds(l, https || edge.h2c(), kinds);
        Tls tls = https && refused == null ? certificates(g, l, optedIn, in, secrets, certificates) : Tls.NONE;
        refs = tls.problem() != null ? tls.problem() : refs;
        boolean usable = refused == null && !conflicted && !kinds.isEmpty()
            && (refs == null || refs.reason() == Reason.InvalidRouteKinds);
        if (usable && tls.acme()) {
          String host = HostNames.canonical(l.getHostname());
          acme.putIfAbsent(host, new AcmeRequest(host, "gateway " + GatewayApiObjects.key(g) + " listener "
              + l.getName()));
        }
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
    return new Evaluated(List.copyOf(slots), List.copyOf(certificates), List.copyOf(acme.values()),
        Set.copyOf(secrets), List.copyOf(notes));
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
   * The route kinds a listener allows, into {@code kinds} (all it can take when it names none): HTTPRoute, and
   * GRPCRoute where it speaks HTTP/2 ({@code http2}: HTTPS, which offers h2 by ALPN, or an HTTP listener with h2c
   * prior knowledge). ResolvedRefs False (InvalidRouteKinds) for the last other kind it names, else null.
   */
  private static Condition kinds(Listener l, boolean http2, List<String> kinds) {
    List<String> takes = http2 ? List.of("HTTPRoute", "GRPCRoute") : List.of("HTTPRoute");
    List<RouteGroupKind> asked = l.getAllowedRoutes() == null ? null : l.getAllowedRoutes().getKinds();
    if (asked == null || asked.isEmpty()) {
      kinds.addAll(takes);
      return null;
    }
    Condition refs = null;
    for (RouteGroupKind k : asked) {
      boolean ours = GatewayApiTranslator.GROUP.equals(
          Objects.requireNonNullElse(k.getGroup(), GatewayApiTranslator.GROUP));
      if (ours && takes.contains(k.getKind())) {
        if (!kinds.contains(k.getKind())) {
          kinds.add(k.getKind());
        }
      } else if (ours && "GRPCRoute".equals(k.getKind())) {
        refs = fails(Type.ResolvedRefs, Reason.InvalidRouteKinds, "edgeport's HTTP listener takes GRPCRoutes only"
            + " with listen.h2c: true (gRPC needs HTTP/2 with prior knowledge)");
      } else {
        refs = fails(Type.ResolvedRefs, Reason.InvalidRouteKinds, "edgeport serves HTTPRoute and GRPCRoute, not "
            + k.getKind());
      }
    }
    return refs;
  }

  /**
   * The Secrets of an HTTPS listener, read into certificates. On an opted-in Gateway ({@code optedIn}), no
   * certificateRefs, or a ref to a Secret that does not exist, asks an ACME certificate for its hostname instead; a
   * Secret that exists but is no TLS Secret stays a bad ref (a user's broken Secret is not papered over), and so does
   * one that could not be read (it may exist).
   */
  private static Tls certificates(Gateway g, Listener l, boolean optedIn, Inputs in, Set<String> wanted,
      List<DiscoveredCertificate> out) {
    if (l.getTls() != null && l.getTls().getMode() != null && !l.getTls().getMode().equals("Terminate")) {
      return new Tls(fails(Type.ResolvedRefs, Reason.InvalidCertificateRef,
          "tls mode " + l.getTls().getMode() + " is not supported (edgeport terminates TLS)"), false);
    }
    if (l.getTls() == null || l.getTls().getCertificateRefs() == null || l.getTls().getCertificateRefs().isEmpty()) {
      return optedIn ? acme(l) : new Tls(fails(Type.ResolvedRefs, Reason.InvalidCertificateRef,
          "an HTTPS listener needs tls.certificateRefs"), false);
    }
    String gwNs = g.getMetadata().getNamespace();
    Condition problem = null;
    boolean missing = false;
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
      if (optedIn && in.secrets().missing().contains(id)) {
        missing = true;
        continue;
      }
      Secret secret = in.secrets().found().get(id);
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
    return problem != null ? new Tls(problem, false) : missing ? acme(l) : Tls.NONE;
  }

  /** An ACME certificate for the listener's hostname, or ResolvedRefs False when it has none it can be issued for. */
  private static Tls acme(Listener l) {
    if (l.getHostname() == null) {
      return new Tls(fails(Type.ResolvedRefs, Reason.InvalidCertificateRef,
          "an ACME certificate needs the listener's hostname"), false);
    }
    String error = HostNames.configHostError(l.getHostname());
    return error == null ? new Tls(null, true) : new Tls(fails(Type.ResolvedRefs, Reason.InvalidCertificateRef,
        "an ACME certificate needs a host name: " + error), false);
  }
}
