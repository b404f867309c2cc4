package io.edgeport.translate.gatewayapi;

import static io.edgeport.translate.gatewayapi.Condition.fails;

import io.edgeport.model.PathRule;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RequestConditions;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.RouteTimeouts;
import io.edgeport.model.SessionPersistence;
import io.edgeport.model.WeightedBackend;
import io.edgeport.translate.gatewayapi.BackendRefs.Referrer;
import io.edgeport.translate.gatewayapi.Condition.Reason;
import io.edgeport.translate.gatewayapi.Condition.Type;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A route's rules, of an HTTPRoute or a GRPCRoute → {@link PathRule}s (one per match), or why the route cannot be
 * served at all. A GRPCRoute's filters and backendRefs are read as an HTTPRoute's (theirs are a subset of the same
 * fields), so both kinds share one translation apart from their matches.
 */
final class RouteRules {
  private RouteRules() {}

  /** A gRPC service and method name, as the GRPCRoute CRD allows them (no slash can reach the path). */
  private static final Pattern GRPC_SERVICE = Pattern.compile("(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*");
  private static final Pattern GRPC_METHOD = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");

  /**
   * @param rules       in the route's order; none when {@code unsupported}
   * @param unsupported Accepted False (UnsupportedValue) when the route uses what edgeport does not implement, else null
   * @param refs        ResolvedRefs False for the first backendRef (or mirror's) that cannot be used, else null
   */
  record Translated(List<PathRule> rules, Condition unsupported, Condition refs) {
    private static Translated unsupported(String why) {
      return new Translated(List.of(), fails(Type.Accepted, Reason.UnsupportedValue, why), null);
    }
  }

  /**
   * What rules are translated with besides their route.
   *
   * @param policies the session persistence BackendLBPolicies give Services, by "namespace/name"
   */
  record Context(Inputs in, Map<String, SessionPersistence> policies) {}

  /** A rule of either kind: HTTPRoute's fields (a GRPCRoute rule has no timeouts nor retry); matches translated. */
  private record Rule(String name, List<HTTPRouteFilter> filters, List<HTTPBackendRef> backendRefs,
      io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence session, HTTPRouteTimeouts timeouts,
      HTTPRouteRetry retry, Supplier<List<Match>> matches) {}

  /** One match of a rule: its path, and what else a request must carry. */
  private record Match(PathMatch type, String path, RequestConditions conditions) {}

  static Translated of(HTTPRoute route, Context cx) {
    List<Rule> rules = new ArrayList<>();
    for (HTTPRouteRule r : Objects.requireNonNullElse(route.getSpec().getRules(), List.<HTTPRouteRule>of())) {
      rules.add(new Rule(r.getName(), r.getFilters(), r.getBackendRefs(), r.getSessionPersistence(), r.getTimeouts(),
          r.getRetry(), () -> httpMatches(r)));
    }
    return translate(route.getSpec(), new Referrer("HTTPRoute", route.getMetadata().getNamespace()), RuleFilters.HTTP,
        rules, cx);
  }

  static Translated of(GRPCRoute route, Context cx) {
    List<Rule> rules = new ArrayList<>();
    List<GRPCRouteRule> given = Objects.requireNonNullElse(route.getSpec().getRules(), List.of());
    for (int i = 0; i < given.size(); i++) {
      GRPCRouteRule r = given.get(i);
      String field = "spec.rules[" + i + "]";
      rules.add(new Rule(r.getName(), http(r.getFilters()),
          Objects.requireNonNullElse(r.getBackendRefs(), List.<GRPCBackendRef>of()).stream().map(RouteRules::http)
              .toList(),
          r.getSessionPersistence(), null, null, () -> grpcMatches(r, field)));
    }
    return translate(route.getSpec(), new Referrer("GRPCRoute", route.getMetadata().getNamespace()), RuleFilters.GRPC,
        rules, cx);
  }

  /** Unknown fields anywhere in the spec first, then rule by rule; a named rule's messages name it. */
  private static Translated translate(Object spec, Referrer from, Set<String> filterTypes, List<Rule> rules,
      Context cx) {
    String unknown = UnknownFields.first(spec, "spec");
    if (unknown != null) {
      return Translated.unsupported("unknown field " + unknown);
    }
    List<PathRule> out = new ArrayList<>();
    Condition refs = null;
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      String named = rule.name() == null ? "" : "rule '" + rule.name() + "': ";
      try {
        Translated t = rule(rule, "spec.rules[" + i + "]", from, filterTypes, cx);
        out.addAll(t.rules());
        if (refs == null && t.refs() != null) {
          refs = new Condition(t.refs().type(), false, t.refs().reason(), named + t.refs().message());
        }
      } catch (Unsupported e) {
        return Translated.unsupported(named + e.getMessage());
      }
    }
    return new Translated(List.copyOf(out), null, refs);
  }

  /**
   * One rule → a PathRule per match, all with the same backends, filters, timeouts and session persistence. Without
   * its own sessionPersistence a rule takes that of its backends' Services (BackendLBPolicy): the first backendRef's
   * whose Service has one, for all its backends, when they differ.
   *
   * @throws Unsupported when the rule uses what edgeport does not implement
   */
  private static Translated rule(Rule r, String field, Referrer from, Set<String> filterTypes, Context cx) {
    RouteTimeouts timeouts = RuleTimeouts.timeouts(r.timeouts(), field + ".timeouts");
    RetryPolicy retry = RuleTimeouts.retry(r.retry(), timeouts, field + ".retry");
    List<WeightedBackend> backends = new ArrayList<>();
    Condition refs = null;
    SessionPersistence policy = null;
    List<HTTPBackendRef> refsGiven = Objects.requireNonNullElse(r.backendRefs(), List.of());
    for (int j = 0; j < refsGiven.size(); j++) {
      HTTPBackendRef ref = refsGiven.get(j);
      RouteFilters own = RuleFilters.ofBackend(ref.getFilters(), field + ".backendRefs[" + j + "]");
      BackendRefs.Resolved b = BackendRefs.resolve(object(ref), from, retry, cx.in());
      refs = refs == null ? b.problem() : refs;
      if (policy == null && b.ref() != null) {
        policy = cx.policies().get(b.ref().service().namespace() + "/" + b.ref().service().name());
      }
      backends.add(new WeightedBackend(b.ref(), ref.getWeight() == null ? 1 : ref.getWeight(), own));
    }
    // mirrors are copies: the rule's retry is not theirs
    RuleFilters.Translated filters = RuleFilters.of(r.filters(), filterTypes, field,
        m -> BackendRefs.resolve(m, from, RetryPolicy.DEFAULT, cx.in()));
    refs = refs == null ? filters.refs() : refs;
    SessionPersistence session = r.session() != null ? Sessions.of(r.session(), field + ".sessionPersistence")
        : policy;
    List<Match> matches = r.matches().get();
    if (filters.prefixRewrite() && matches.stream().anyMatch(m -> m.type() == PathMatch.EXACT)) {
      throw new Unsupported("ReplacePrefixMatch needs a PathPrefix match");
    }
    List<WeightedBackend> served = filters.filters().redirect() != null ? List.of() : backends;
    return new Translated(matches.stream().map(m -> new PathRule(m.type(), m.path(), served, m.conditions(),
        filters.filters(), timeouts, session)).toList(), null, refs);
  }

  private static List<Match> httpMatches(HTTPRouteRule rule) {
    List<HTTPRouteMatch> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
        ? List.of(new HTTPRouteMatch()) : rule.getMatches();
    List<Match> out = new ArrayList<>();
    for (HTTPRouteMatch m : matches) {
      PathMatch type = PathMatch.PREFIX;
      String path = "/";
      if (m.getPath() != null) {
        String t = Objects.requireNonNullElse(m.getPath().getType(), "PathPrefix");
        if (!t.equals("PathPrefix") && !t.equals("Exact")) {
          throw new Unsupported("path match type " + t + " is not supported");
        }
        type = t.equals("Exact") ? PathMatch.EXACT : PathMatch.PREFIX;
        path = Objects.requireNonNullElse(m.getPath().getValue(), "/");
        if (!path.startsWith("/")) {
          throw new Unsupported("path " + path + " does not start with /");
        }
        if (type == PathMatch.PREFIX && path.length() > 1 && path.endsWith("/")) {
          path = path.substring(0, path.length() - 1); // "/foo/" matches as "/foo" does: element-wise
        }
      }
      List<NameValue> query = new ArrayList<>();
      Set<String> queryNames = new LinkedHashSet<>();
      for (HTTPQueryParamMatch q : Objects.requireNonNullElse(m.getQueryParams(), List.<HTTPQueryParamMatch>of())) {
        if (!"Exact".equals(Objects.requireNonNullElse(q.getType(), "Exact"))) {
          throw new Unsupported("query parameter match type " + q.getType() + " is not supported");
        }
        if (queryNames.add(q.getName())) {
          query.add(new NameValue(q.getName(), q.getValue()));
        }
      }
      out.add(new Match(type, path, new RequestConditions(m.getMethod(), headers(m.getHeaders()), query, null)));
    }
    return out;
  }

  /**
   * A GRPCRoute rule's matches: service and method → exactly {@code /SERVICE/METHOD}; a service → its methods (prefix
   * {@code /SERVICE}); a method → that method of any service; neither → every request.
   */
  private static List<Match> grpcMatches(GRPCRouteRule rule, String field) {
    List<GRPCRouteMatch> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
        ? List.of(new GRPCRouteMatch()) : rule.getMatches();
    List<Match> out = new ArrayList<>();
    for (int j = 0; j < matches.size(); j++) {
      GRPCRouteMatch m = matches.get(j);
      GRPCMethodMatch method = m.getMethod();
      PathMatch type = PathMatch.PREFIX;
      String path = "/";
      if (method != null) {
        String where = field + ".matches[" + j + "].method";
        String t = Objects.requireNonNullElse(method.getType(), "Exact");
        if (!t.equals("Exact")) {
          throw new Unsupported(where + ".type " + t + " is not supported (Exact is)");
        }
        String service = emptyToNull(method.getService());
        String name = emptyToNull(method.getMethod());
        if (service != null && !GRPC_SERVICE.matcher(service).matches()) {
          throw new Unsupported(where + ".service '" + service + "' is not a gRPC service name");
        }
        if (name != null && !GRPC_METHOD.matcher(name).matches()) {
          throw new Unsupported(where + ".method '" + name + "' is not a gRPC method name");
        }
        if (service != null && name != null) {
          type = PathMatch.EXACT;
          path = "/" + service + "/" + name;
        } else if (service != null) {
          path = "/" + service;
        } else if (name != null) {
          type = PathMatch.GRPC_METHOD;
          path = "/" + name;
        }
      }
      List<HTTPHeaderMatch> headers = Objects.requireNonNullElse(m.getHeaders(), List.<GRPCHeaderMatch>of()).stream()
          .map(h -> new HTTPHeaderMatchBuilder().withName(h.getName()).withType(h.getType()).withValue(h.getValue())
              .build()).toList();
      out.add(new Match(type, path, new RequestConditions(null, headers(headers), List.of(), null)));
    }
    return out;
  }

  /** Exact header matches, names lower case; the first of equal names counts. */
  private static List<NameValue> headers(List<HTTPHeaderMatch> given) {
    List<NameValue> headers = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (HTTPHeaderMatch h : Objects.requireNonNullElse(given, List.<HTTPHeaderMatch>of())) {
      if (!"Exact".equals(Objects.requireNonNullElse(h.getType(), "Exact"))) {
        throw new Unsupported("header match type " + h.getType() + " is not supported");
      }
      if (names.add(h.getName().toLowerCase(Locale.ROOT))) {
        headers.add(new NameValue(h.getName().toLowerCase(Locale.ROOT), h.getValue()));
      }
    }
    return headers;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static BackendObjectReference object(HTTPBackendRef ref) {
    return new BackendObjectReferenceBuilder().withGroup(ref.getGroup()).withKind(ref.getKind())
        .withName(ref.getName()).withNamespace(ref.getNamespace()).withPort(ref.getPort()).build();
  }

  private static HTTPBackendRef http(GRPCBackendRef ref) {
    return new HTTPBackendRefBuilder().withGroup(ref.getGroup()).withKind(ref.getKind()).withName(ref.getName())
        .withNamespace(ref.getNamespace()).withPort(ref.getPort()).withWeight(ref.getWeight())
        .withFilters(http(ref.getFilters())).build();
  }

  private static List<HTTPRouteFilter> http(List<GRPCRouteFilter> filters) {
    return filters == null ? null : filters.stream().map(f -> new HTTPRouteFilterBuilder().withType(f.getType())
        .withRequestHeaderModifier(f.getRequestHeaderModifier()).withResponseHeaderModifier(
            f.getResponseHeaderModifier()).withRequestMirror(f.getRequestMirror()).withExtensionRef(f.getExtensionRef())
        .build()).toList();
  }
}
