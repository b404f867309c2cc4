package io.edgeport.translate.gatewayapi;

import static io.edgeport.translate.gatewayapi.Condition.fails;

import io.edgeport.model.BackendRef;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RequestConditions;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.ServiceRef;
import io.edgeport.model.WeightedBackend;
import io.edgeport.translate.gatewayapi.Condition.Reason;
import io.edgeport.translate.gatewayapi.Condition.Type;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** An HTTPRoute's rules → {@link PathRule}s (one per match), or why the route cannot be served at all. */
final class RouteRules {
  private RouteRules() {}

  /**
   * @param rules       in the route's order; none when {@code unsupported}
   * @param unsupported Accepted False (UnsupportedValue) when the route uses what edgeport does not implement, else null
   * @param refs        ResolvedRefs False for the first backendRef that cannot be used, else null
   */
  record Translated(List<PathRule> rules, Condition unsupported, Condition refs) {
    private static Translated unsupported(String why) {
      return new Translated(List.of(), fails(Type.Accepted, Reason.UnsupportedValue, why), null);
    }
  }

  /** A rule's backends, and the ResolvedRefs problem of the first that cannot be used (or null). */
  private record Backends(List<WeightedBackend> backends, Condition problem) {}

  static Translated of(HTTPRoute route, Inputs in) {
    String ns = route.getMetadata().getNamespace();
    List<PathRule> out = new ArrayList<>();
    Condition refs = null;
    for (HTTPRouteRule rule : Objects.requireNonNullElse(route.getSpec().getRules(), List.<HTTPRouteRule>of())) {
      List<HTTPBackendRef> backendRefs = Objects.requireNonNullElse(rule.getBackendRefs(), List.of());
      if (backendRefs.stream().anyMatch(ref -> ref.getFilters() != null && !ref.getFilters().isEmpty())) {
        return Translated.unsupported("filters on a backendRef are not supported");
      }
      Backends backends = backends(backendRefs, ns, in);
      refs = refs == null ? backends.problem() : refs;
      RuleFilters.Translated filters = RuleFilters.of(rule);
      if (filters.unsupported() != null) {
        return Translated.unsupported(filters.unsupported());
      }
      List<HTTPRouteMatch> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
          ? List.of(new HTTPRouteMatch()) : rule.getMatches();
      for (HTTPRouteMatch m : matches) {
        PathMatch type = PathMatch.PREFIX;
        String path = "/";
        if (m.getPath() != null) {
          String t = Objects.requireNonNullElse(m.getPath().getType(), "PathPrefix");
          if (!t.equals("PathPrefix") && !t.equals("Exact")) {
            return Translated.unsupported("path match type " + t + " is not supported");
          }
          type = t.equals("Exact") ? PathMatch.EXACT : PathMatch.PREFIX;
          path = Objects.requireNonNullElse(m.getPath().getValue(), "/");
          if (!path.startsWith("/")) {
            return Translated.unsupported("path " + path + " does not start with /");
          }
          if (type == PathMatch.PREFIX && path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1); // "/foo/" matches as "/foo" does: element-wise
          }
        }
        if (type == PathMatch.EXACT && filters.prefixRewrite()) {
          return Translated.unsupported("ReplacePrefixMatch needs a PathPrefix match");
        }
        List<NameValue> headers = new ArrayList<>();
        Set<String> headerNames = new LinkedHashSet<>();
        for (HTTPHeaderMatch h : Objects.requireNonNullElse(m.getHeaders(), List.<HTTPHeaderMatch>of())) {
          if (!"Exact".equals(Objects.requireNonNullElse(h.getType(), "Exact"))) {
            return Translated.unsupported("header match type " + h.getType() + " is not supported");
          }
          if (headerNames.add(h.getName().toLowerCase(Locale.ROOT))) { // the first of equal names counts
            headers.add(new NameValue(h.getName().toLowerCase(Locale.ROOT), h.getValue()));
          }
        }
        List<NameValue> query = new ArrayList<>();
        Set<String> queryNames = new LinkedHashSet<>();
        for (HTTPQueryParamMatch q : Objects.requireNonNullElse(m.getQueryParams(), List.<HTTPQueryParamMatch>of())) {
          if (!"Exact".equals(Objects.requireNonNullElse(q.getType(), "Exact"))) {
            return Translated.unsupported("query parameter match type " + q.getType() + " is not supported");
          }
          if (queryNames.add(q.getName())) {
            query.add(new NameValue(q.getName(), q.getValue()));
          }
        }
        out.add(new PathRule(type, path, filters.filters().redirect() != null ? List.of() : backends.backends(),
            new RequestConditions(m.getMethod(), headers, query, null), filters.filters()));
      }
    }
    return new Translated(List.copyOf(out), null, refs);
  }

  /**
   * A backendRef that cannot be used (another kind, not permitted, no port) keeps its weight with no backend (its
   * share is answered 500); a Service that does not exist is kept (503, as for an Ingress) and reported.
   */
  private static Backends backends(List<HTTPBackendRef> refs, String ns, Inputs in) {
    List<WeightedBackend> out = new ArrayList<>();
    Condition problem = null;
    for (HTTPBackendRef ref : refs) {
      int weight = ref.getWeight() == null ? 1 : ref.getWeight();
      String refNs = Objects.requireNonNullElse(ref.getNamespace(), ns);
      Condition unusable = null;
      if (!Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()
          || !"Service".equals(Objects.requireNonNullElse(ref.getKind(), "Service"))) {
        unusable = fails(Type.ResolvedRefs, Reason.InvalidKind,
            "backendRef " + ref.getKind() + " " + ref.getName() + " is not a Service");
      } else if (!refNs.equals(ns) && !GatewayApiObjects.granted(in.grants(), GatewayApiTranslator.GROUP, "HTTPRoute",
          ns, "", "Service", refNs, ref.getName())) {
        unusable = fails(Type.ResolvedRefs, Reason.RefNotPermitted, "service " + refNs + "/" + ref.getName()
            + " is in another namespace and no ReferenceGrant there allows it");
      } else if (ref.getPort() == null) {
        unusable = fails(Type.ResolvedRefs, Reason.BackendNotFound,
            "backendRef " + refNs + "/" + ref.getName() + " has no port");
      }
      if (unusable != null) {
        out.add(new WeightedBackend(null, weight));
        problem = problem == null ? unusable : problem;
        continue;
      }
      if (!in.services().containsKey(refNs + "/" + ref.getName()) && problem == null) {
        problem = fails(Type.ResolvedRefs, Reason.BackendNotFound, "service " + refNs + "/" + ref.getName() + " not found");
      }
      out.add(new WeightedBackend(new BackendRef(0, new ServiceRef(refNs, ref.getName(),
          String.valueOf(ref.getPort())), LoadBalancing.ROUND_ROBIN, HealthCheck.DEFAULT), weight));
    }
    return new Backends(out, problem);
  }
}
