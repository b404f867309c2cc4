package io.edgeport.routing;

import io.edgeport.balance.EndpointPicker;
import io.edgeport.balance.RetryBudget;
import io.edgeport.balance.SelectionStrategy;
import io.edgeport.limit.DomainGate;
import io.edgeport.model.BackendRef;
import io.edgeport.model.Domain;
import io.edgeport.model.PathRule;
import io.edgeport.model.WeightedBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Builds a {@link RouteTable} from the domains, the cluster's current nodes and what each backend resolved to. */
public final class RouteTableBuilder {
  private RouteTableBuilder() {}

  /**
   * @param resolutions what each backend of {@code domains} is now
   * @param selector    the endpoints of each backend that take traffic (asked once per distinct backend)
   * @param budgets     each backend's retry budget (the same one across generations)
   * @param gates       each domain's client rules, or null for a domain without (its rate limiter lives across
   *                    generations)
   */
  public static RouteTable build(List<Domain> domains, List<String> nodes, Resolutions resolutions,
      EndpointFilter selector, Function<BackendRef, RetryBudget> budgets, Function<Domain, DomainGate> gates) {
    Map<BackendRef, Backend> backends = new HashMap<>();
    Map<Domain, List<Route>> rulesOf = new LinkedHashMap<>();
    for (Domain domain : domains) {
      List<Route> rules = new ArrayList<>();
      DomainGate gate = gates.apply(domain);
      for (PathRule rule : domain.paths()) {
        Function<BackendRef, Backend> serving = ref -> backends.computeIfAbsent(ref,
            r -> backend(r, resolutions.get(r), nodes, selector, budgets.apply(r)));
        List<Backend> targets = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        for (WeightedBackend wb : rule.backends()) {
          Backend b = wb.ref() == null ? null : serving.apply(wb.ref());
          targets.add(b == null || wb.filters() == null ? b : b.withFilters(wb.filters()));
          weights.add(wb.weight());
        }
        List<MirrorTarget> mirrors = rule.filters().mirrors().stream().filter(m -> m.backend() != null)
            .map(m -> new MirrorTarget(serving.apply(m.backend()), m.numerator(), m.denominator())).toList();
        BackendSplit split = new BackendSplit(targets, weights);
        rules.add(new Route(domain.host(), rule.match(), rule.path(), split, domain.https(), gate, rule.conditions(),
            rule.filters(), mirrors, rule.session() == null ? null : new SessionTable(rule.session(), split.all()),
            rule.timeouts()));
      }
      rulesOf.put(domain, rules);
    }
    Map<String, HostRoutes> exact = new HashMap<>();
    Map<String, HostRoutes> wildcard = new HashMap<>();
    Map<String, HostRoutes> suffix = new HashMap<>();
    HostRoutes anyHost = null;
    for (Map.Entry<Domain, List<Route>> e : rulesOf.entrySet()) {
      Domain domain = e.getKey();
      HostRoutes routes = new HostRoutes(domain.gatewayApi() ? fallThrough(domain, rulesOf) : List.of(e.getValue()));
      if (domain.host().equals(Domain.ANY_HOST)) {
        anyHost = routes;
      } else if (domain.isWildcard()) {
        (domain.gatewayApi() ? suffix : wildcard).put(domain.host().substring(2), routes);
      } else {
        exact.put(domain.host(), routes);
      }
    }
    return new RouteTable(exact, wildcard, suffix, anyHost);
  }

  /**
   * A Gateway API host's rules, then those of every less specific Gateway API host that covers it (longer
   * wildcards first, {@code *} last): a request none of its own rules takes may match one of theirs.
   */
  private static List<List<Route>> fallThrough(Domain domain, Map<Domain, List<Route>> rulesOf) {
    List<Domain> covering = new ArrayList<>();
    for (Domain other : rulesOf.keySet()) {
      if (other != domain && other.gatewayApi() && covers(other.host(), domain.host())) {
        covering.add(other);
      }
    }
    covering.sort(Comparator.comparingInt((Domain d) -> -d.host().length()));
    List<List<Route>> tiers = new ArrayList<>();
    tiers.add(rulesOf.get(domain));
    covering.forEach(d -> tiers.add(rulesOf.get(d)));
    return tiers;
  }

  /** Does the Gateway API host pattern {@code general} cover every host {@code specific} does, and more? */
  static boolean covers(String general, String specific) {
    if (general.equals(Domain.ANY_HOST)) {
      return !specific.equals(Domain.ANY_HOST);
    }
    if (!general.startsWith("*.")) {
      return false;
    }
    String tail = general.substring(1); // ".example.com"
    String rest = specific.startsWith("*.") ? specific.substring(1) : "." + specific;
    return rest.length() > tail.length() && rest.endsWith(tail);
  }

  /** A backend as it serves now: its balancer over the endpoints that take traffic, or why it cannot serve. */
  public static Backend backend(BackendRef ref, BackendResolver.Resolution resolution, List<String> nodes,
      EndpointFilter selector, RetryBudget budget) {
    if (resolution instanceof BackendResolver.Resolved r) {
      return new Backend(ref.toString(), SelectionStrategy.of(r.loadBalancing(), r.healthCheck().slowStart())
          .create(selector.endpoints(r, nodes)), r.allowedSources(), null, ref.retry(), budget, r.h2c(),
          ref.proxyProtocol(), null);
    }
    EndpointPicker none = SelectionStrategy.of(ref.loadBalancing()).create(List.of());
    return new Backend(ref.toString(), none, List.of(), ((BackendResolver.Unavailable) resolution).reason(),
        ref.retry(), budget, ref.h2c(), ref.proxyProtocol(), null);
  }
}
