package io.edgeport.translate.gatewayapi;

import static io.edgeport.translate.gatewayapi.Condition.fails;
import static io.edgeport.translate.gatewayapi.Condition.holds;

import io.edgeport.model.ClientRules;
import io.edgeport.model.Domain;
import io.edgeport.model.HttpsPolicy;
import io.edgeport.model.PathRule;
import io.edgeport.model.RequestConditions;
import io.edgeport.translate.gatewayapi.Condition.Reason;
import io.edgeport.translate.gatewayapi.Condition.Type;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.EdgeListeners;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.edgeport.translate.gatewayapi.GatewayListeners.Slot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Routes (HTTPRoutes and GRPCRoutes) → the listeners they attach to (parentRefs, the kinds and namespaces each
 * listener allows, hostname intersection), their status per parent, and the domains their rules make, host by host.
 * Both kinds' rules on one host are that host's rules, oldest route first. On one listener an HTTPRoute and a
 * GRPCRoute whose hostnames intersect are not both served: the younger is not accepted there (GEP-1016, as the
 * GRPCRoute spec says).
 */
final class RouteAttachment {
  private RouteAttachment() {}

  /**
   * @param domains  the hosts the attached routes serve, each with the rules of its routes, oldest route first
   * @param status   by route kind, for each route ("namespace/name") with a parent edgeport serves: its status for
   *                 those parents
   * @param attached the number of routes attached to each listener (by identity; listeners with none are absent)
   * @param notes    why a route is not served, for the log
   */
  record Attached(List<Domain> domains, Map<String, Map<String, ObjectStatus.Route>> status,
      Map<Slot, Integer> attached, List<String> notes) {}

  /** A listener a route attaches to, with the hostnames it has there. */
  private record OnSlot(Slot slot, List<String> hosts) {}

  /** A route accepted on a listener, with the hostnames it has there. */
  private record Served(RouteView route, List<String> hosts) {}

  /** @param routes oldest first, so that their rules keep that order within the spec's precedence */
  static Attached attach(List<RouteView> routes, List<Gateway> gateways, List<Slot> slots, Inputs in,
      EdgeListeners edge) {
    Map<String, Map<String, String>> nsLabels = new LinkedHashMap<>();
    in.namespaces().forEach(n -> nsLabels.put(n.getMetadata().getName(),
        Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of())));
    Map<String, List<PathRule>> rulesByHost = new LinkedHashMap<>();
    Map<String, Set<String>> origins = new LinkedHashMap<>();
    Map<String, Map<String, ObjectStatus.Route>> status = new LinkedHashMap<>();
    Map<Slot, Integer> attached = new IdentityHashMap<>();
    Map<Slot, List<Served>> served = new IdentityHashMap<>();
    List<String> notes = new ArrayList<>();
    for (RouteView route : routes) {
      String routeNs = route.object().getMetadata().getNamespace();
      List<ObjectStatus.Parent> parents = new ArrayList<>();
      Map<String, Set<Boolean>> hostSchemes = new LinkedHashMap<>(); // host → served over HTTPS? (true/false)
      RouteRules.Translated rules = route.rules();
      for (ParentReference parent : route.parentRefs()) {
        if (!GatewayApiTranslator.GROUP.equals(Objects.requireNonNullElse(parent.getGroup(), GatewayApiTranslator.GROUP))
            || !"Gateway".equals(Objects.requireNonNullElse(parent.getKind(), "Gateway"))) {
          continue;
        }
        String gwNs = Objects.requireNonNullElse(parent.getNamespace(), routeNs);
        Gateway gw = gateways.stream().filter(g -> g.getMetadata().getNamespace().equals(gwNs)
            && g.getMetadata().getName().equals(parent.getName())).findFirst().orElse(null);
        if (gw == null) {
          continue; // another controller's Gateway, or none: not ours to report on
        }
        List<Slot> named = slots.stream().filter(s -> s.gateway() == gw)
            .filter(s -> parent.getSectionName() == null || parent.getSectionName().equals(s.listener().getName()))
            .filter(s -> parent.getPort() == null || parent.getPort().equals(s.listener().getPort()))
            .toList();
        List<Slot> allowed = named.stream().filter(Slot::usable)
            .filter(s -> allows(s, routeNs, gw, nsLabels)).toList();
        List<Slot> taking = allowed.stream().filter(s -> s.kinds().contains(route.kind())).toList();
        Condition refused;
        List<OnSlot> attachedTo = new ArrayList<>();
        if (named.isEmpty()) {
          refused = fails(Type.Accepted, Reason.NoMatchingParent, "no listener of gateway " + gwNs + "/"
              + gw.getMetadata().getName() + " has"
              + (parent.getSectionName() != null ? " the name " + parent.getSectionName() : "")
              + (parent.getPort() != null ? " port " + parent.getPort() : ""));
        } else if (allowed.isEmpty()) {
          refused = fails(Type.Accepted, Reason.NotAllowedByListeners, "the listeners do not allow routes from"
              + " namespace " + routeNs + " (allowedRoutes), or cannot serve");
        } else if (taking.isEmpty()) {
          boolean h2cWouldDo = route.kind().equals("GRPCRoute") && !edge.h2c()
              && allowed.stream().anyMatch(s -> !s.https());
          refused = fails(Type.Accepted, Reason.NotAllowedByListeners, "the listeners do not take " + route.kind() + "s"
              + (h2cWouldDo ? " (edgeport's HTTP listener takes them with listen.h2c: true: gRPC needs HTTP/2 with"
                  + " prior knowledge)" : " (allowedRoutes.kinds)"));
        } else {
          for (Slot s : taking) {
            List<String> hosts = GatewayApiObjects.intersect(s.hostname(), route.hostnames());
            if (!hosts.isEmpty()) {
              attachedTo.add(new OnSlot(s, hosts));
            }
          }
          refused = attachedTo.isEmpty() ? fails(Type.Accepted, Reason.NoMatchingListenerHostname,
              "no listener hostname matches the route's hostnames " + route.hostnames())
              : rules.unsupported() != null ? rules.unsupported() : otherKind(route, attachedTo, served);
        }
        attachedTo.forEach(a -> attached.merge(a.slot(), 1, Integer::sum));
        if (refused == null) {
          for (OnSlot a : attachedTo) {
            served.computeIfAbsent(a.slot(), k -> new ArrayList<>()).add(new Served(route, a.hosts()));
            a.hosts().forEach(h -> hostSchemes.computeIfAbsent(h, k -> new LinkedHashSet<>()).add(a.slot().https()));
          }
        }
        parents.add(new ObjectStatus.Parent(new ObjectStatus.ParentRef(gwNs, parent.getName(), parent.getSectionName(),
            parent.getPort()), List.of(refused != null ? refused : holds(Type.Accepted),
            rules.refs() != null ? rules.refs() : holds(Type.ResolvedRefs))));
        if (refused != null && refused.reason() == Reason.UnsupportedValue) {
          notes.add(route.describe() + ": not served: " + refused.message());
        }
      }
      if (!parents.isEmpty()) {
        status.computeIfAbsent(route.kind(), k -> new LinkedHashMap<>()).put(route.id(),
            new ObjectStatus.Route(route.object().getMetadata().getGeneration(), parents));
      }
      hostSchemes.forEach((host, schemes) -> {
        String scheme = schemes.size() == 2 ? null : schemes.contains(true) ? "https" : "http";
        for (PathRule r : rules.rules()) {
          rulesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(scheme == null ? r
              : new PathRule(r.match(), r.path(), r.backends(), withScheme(r.conditions(), scheme), r.filters(),
                  r.timeouts(), r.session()));
        }
        origins.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(route.describe());
      });
    }
    List<Domain> domains = new ArrayList<>();
    rulesByHost.forEach((host, rules) -> domains.add(new Domain(host, rules,
        String.join(", ", origins.get(host)), HttpsPolicy.NONE, ClientRules.NONE, true)));
    return new Attached(List.copyOf(domains), status, attached, List.copyOf(notes));
  }

  /**
   * Accepted False when a listener the route attaches to already serves a route of the other kind (HTTPRoute,
   * GRPCRoute) on an intersecting hostname: that older one keeps it. Else null.
   */
  private static Condition otherKind(RouteView route, List<OnSlot> attachedTo, Map<Slot, List<Served>> served) {
    for (OnSlot a : attachedTo) {
      for (Served older : served.getOrDefault(a.slot(), List.of())) {
        if (!older.route().kind().equals(route.kind()) && intersects(older.hosts(), a.hosts())) {
          return fails(Type.Accepted, Reason.NotAllowedByListeners, "listener " + a.slot().listener().getName()
              + " already serves " + older.route().kind() + " " + older.route().id() + " (older) on hostnames that"
              + " intersect this route's; a listener serves an HTTPRoute or a GRPCRoute on a hostname, not both");
        }
      }
    }
    return null;
  }

  private static boolean intersects(List<String> a, List<String> b) {
    for (String x : a) {
      for (String y : b) {
        if (x.equals(Domain.ANY_HOST) || y.equals(Domain.ANY_HOST)
            || !GatewayApiObjects.intersect(x, List.of(y)).isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  /** allowedRoutes.namespaces: Same (the default), All, or Selector (the route's namespace's labels). */
  private static boolean allows(Slot s, String routeNs, Gateway gw, Map<String, Map<String, String>> nsLabels) {
    var ar = s.listener().getAllowedRoutes();
    String from = ar == null || ar.getNamespaces() == null || ar.getNamespaces().getFrom() == null ? "Same"
        : ar.getNamespaces().getFrom();
    return switch (from) {
      case "All" -> true;
      case "Selector" -> nsLabels.containsKey(routeNs)
          && GatewayApiObjects.selects(ar.getNamespaces().getSelector(), nsLabels.get(routeNs));
      default -> routeNs.equals(gw.getMetadata().getNamespace());
    };
  }

  private static RequestConditions withScheme(RequestConditions c, String scheme) {
    return new RequestConditions(c.method(), c.headers(), c.queryParams(), scheme);
  }
}
