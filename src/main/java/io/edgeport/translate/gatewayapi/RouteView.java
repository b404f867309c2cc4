package io.edgeport.translate.gatewayapi;

import io.edgeport.net.HostNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A route of either kind, as attachment sees it: what it is, where it attaches, the hostnames it asks and its rules
 * translated.
 *
 * @param kind      HTTPRoute or GRPCRoute
 * @param hostnames canonical
 */
record RouteView(String kind, HasMetadata object, List<ParentReference> parentRefs, List<String> hostnames,
    RouteRules.Translated rules) {

  static RouteView of(HasMetadata route, RouteRules.Context cx) {
    if (route instanceof GRPCRoute g) {
      return new RouteView("GRPCRoute", g, g.getSpec().getParentRefs(), canonical(g.getSpec().getHostnames()),
          RouteRules.of(g, cx));
    }
    HTTPRoute h = (HTTPRoute) route;
    return new RouteView("HTTPRoute", h, h.getSpec().getParentRefs(), canonical(h.getSpec().getHostnames()),
        RouteRules.of(h, cx));
  }

  RouteView {
    parentRefs = List.copyOf(Objects.requireNonNullElse(parentRefs, List.of()));
    hostnames = List.copyOf(hostnames);
  }

  /** "namespace/name". */
  String id() {
    return GatewayApiObjects.key(object);
  }

  /** As notes and origins name it: {@code httproute ns/name}. */
  String describe() {
    return kind.toLowerCase(Locale.ROOT) + " " + id();
  }

  private static List<String> canonical(List<String> hostnames) {
    return Objects.requireNonNullElse(hostnames, List.<String>of()).stream().map(HostNames::canonical).toList();
  }
}
