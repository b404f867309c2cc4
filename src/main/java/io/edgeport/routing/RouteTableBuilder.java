package io.edgeport.routing;

import io.edgeport.balance.LoadBalancer;
import io.edgeport.balance.RetryBudget;
import io.edgeport.balance.SelectionStrategy;
import io.edgeport.config.BackendRef;
import io.edgeport.config.DomainConfig;
import io.edgeport.config.PathRule;
import io.edgeport.limit.DomainGate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Builds a {@link RouteTable} from the domains, the cluster's current nodes and what each backend resolved to. */
public final class RouteTableBuilder {
  private RouteTableBuilder() {}

  /**
   * @param resolutions what each backend of {@code domains} is now
   * @param selector    the endpoints of each backend that take traffic (asked once per distinct backend)
   * @param budgets     each backend's retry budget (the same one across snapshots)
   * @param gates       each domain's client rules, or null for a domain without (its rate limiter lives across
   *                    snapshots)
   */
  public static RouteTable build(List<DomainConfig> domains, List<String> nodes, Resolutions resolutions,
      EndpointSelector selector, Function<BackendRef, RetryBudget> budgets, Function<DomainConfig, DomainGate> gates) {
    Map<BackendRef, Backend> backends = new HashMap<>();
    Map<String, HostRoutes> exact = new HashMap<>();
    Map<String, HostRoutes> wildcard = new HashMap<>();
    for (DomainConfig domain : domains) {
      List<Route> rules = new ArrayList<>();
      DomainGate gate = gates.apply(domain);
      for (PathRule rule : domain.paths()) {
        Backend backend = backends.computeIfAbsent(rule.backend(),
            ref -> backend(ref, resolutions.get(ref), nodes, selector, budgets.apply(ref)));
        rules.add(new Route(domain.host(), rule.match(), rule.path(), backend, domain.https(), gate));
      }
      HostRoutes routes = new HostRoutes(rules);
      if (domain.isWildcard()) {
        wildcard.put(domain.host().substring(2), routes);
      } else {
        exact.put(domain.host(), routes);
      }
    }
    return new RouteTable(exact, wildcard);
  }

  private static Backend backend(BackendRef ref, BackendResolver.Resolution resolution, List<String> nodes,
      EndpointSelector selector, RetryBudget budget) {
    if (resolution instanceof BackendResolver.Resolved r) {
      return new Backend(ref.toString(), SelectionStrategy.of(r.loadBalancing(), r.healthCheck().slowStart())
          .create(selector.endpoints(r, nodes)), r.allowedSources(), null, ref.retry(), budget, ref.h2c(),
          ref.proxyProtocol());
    }
    LoadBalancer none = SelectionStrategy.of(ref.loadBalancing()).create(List.of());
    return new Backend(ref.toString(), none, List.of(), ((BackendResolver.Unavailable) resolution).reason(),
        ref.retry(), budget, ref.h2c(), ref.proxyProtocol());
  }
}
