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
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.edgeport.translate.gatewayapi.GatewayListeners.Slot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
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
 * HTTPRoutes → the listeners they attach to (parentRefs, the namespaces each listener allows, hostname
 * intersection), their status per parent, and the domains their rules make, host by host.
 */
final class RouteAttachment {
  private RouteAttachment() {}

  /**
   * @param domains  the hosts the attached routes serve, each with the rules of its routes, oldest route first
   * @param status   for each route ("namespace/name") with a parent edgeport serves: its status for those parents
   * @param attached the number of routes attached to each listener (by identity; listeners with none are absent)
   * @param notes    why a route is not served, for the log
   */
  record Attached(List<Domain> domains, Map<String, ObjectStatus.Route> status, Map<Slot, Integer> attached,
      List<String> notes) {}

  /** @param routes oldest first, so that their rules keep that order within the spec's precedence */
  static Attached attach(List<HTTPRoute> routes, List<Gateway> gateways, List<Slot> slots, Inputs in) {
    Map<String, Map<String, String>> nsLabels = new LinkedHashMap<>();
    in.namespaces().forEach(n -> nsLabels.put(n.getMetadata().getName(),
        Objects.requireNonNullElse(n.getMetadata().getLabels(), Map.of())));
    Map<String, List<PathRule>> rulesByHost = new LinkedHashMap<>();
    Map<String, Set<String>> origins = new LinkedHashMap<>();
    Map<String, ObjectStatus.Route> status = new LinkedHashMap<>();
    Map<Slot, Integer> attached = new IdentityHashMap<>();
    List<String> notes = new ArrayList<>();
    for (HTTPRoute route : routes) {
      String routeNs = route.getMetadata().getNamespace();
      String id = GatewayApiObjects.key(route);
      List<ObjectStatus.Parent> parents = new ArrayList<>();
      Map<String, Set<Boolean>> hostSchemes = new LinkedHashMap<>(); // host → served over HTTPS? (true/false)
      RouteRules.Translated rules = RouteRules.of(route, in);
      for (ParentReference parent : Objects.requireNonNullElse(route.getSpec().getParentRefs(), List.<ParentReference>of())) {
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
        Condition refused;
        List<Slot> attachedTo = new ArrayList<>();
        if (named.isEmpty()) {
          refused = fails(Type.Accepted, Reason.NoMatchingParent, "no listener of gateway " + gwNs + "/"
              + gw.getMetadata().getName() + " has"
              + (parent.getSectionName() != null ? " the name " + parent.getSectionName() : "")
              + (parent.getPort() != null ? " port " + parent.getPort() : ""));
        } else if (allowed.isEmpty()) {
          refused = fails(Type.Accepted, Reason.NotAllowedByListeners, "the listeners do not allow routes from"
              + " namespace " + routeNs + " (allowedRoutes), or cannot serve");
        } else {
          for (Slot s : allowed) {
            List<String> hosts = GatewayApiObjects.intersect(s.hostname(), GatewayApiObjects.hostnames(route));
            if (!hosts.isEmpty()) {
              attachedTo.add(s);
              hosts.forEach(h -> hostSchemes.computeIfAbsent(h, k -> new LinkedHashSet<>()).add(s.https()));
            }
          }
          refused = !attachedTo.isEmpty() ? rules.unsupported() : fails(Type.Accepted,
              Reason.NoMatchingListenerHostname, "no listener hostname matches the route's hostnames "
                  + GatewayApiObjects.hostnames(route));
        }
        attachedTo.forEach(s -> attached.merge(s, 1, Integer::sum));
        parents.add(new ObjectStatus.Parent(new ObjectStatus.ParentRef(gwNs, parent.getName(), parent.getSectionName(),
            parent.getPort()), List.of(refused != null ? refused : holds(Type.Accepted),
            rules.refs() != null ? rules.refs() : holds(Type.ResolvedRefs))));
        if (refused != null && refused.reason() == Reason.UnsupportedValue) {
          notes.add("httproute " + id + ": not served: " + refused.message());
        }
      }
      if (!parents.isEmpty()) {
        status.put(id, new ObjectStatus.Route(route.getMetadata().getGeneration(), parents));
      }
      if (rules.unsupported() == null) {
        hostSchemes.forEach((host, schemes) -> {
          String scheme = schemes.size() == 2 ? null : schemes.contains(true) ? "https" : "http";
          for (PathRule r : rules.rules()) {
            rulesByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(scheme == null ? r
                : new PathRule(r.match(), r.path(), r.backends(), withScheme(r.conditions(), scheme), r.filters()));
          }
          origins.computeIfAbsent(host, h -> new LinkedHashSet<>()).add("httproute " + id);
        });
      }
    }
    List<Domain> domains = new ArrayList<>();
    rulesByHost.forEach((host, rules) -> domains.add(new Domain(host, rules,
        String.join(", ", origins.get(host)), HttpsPolicy.NONE, ClientRules.NONE, true)));
    return new Attached(List.copyOf(domains), status, attached, List.copyOf(notes));
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
