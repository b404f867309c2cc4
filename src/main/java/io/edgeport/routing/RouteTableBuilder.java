package io.edgeport.routing;

import io.edgeport.balance.LoadBalancer;
import io.edgeport.balance.SelectionStrategy;
import io.edgeport.cluster.ClusterSnapshot;
import io.edgeport.config.BackendRef;
import io.edgeport.config.DomainConfig;
import io.edgeport.config.PathRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link RouteTable} from the configured domains and the cluster's current nodes. */
public final class RouteTableBuilder {
  private RouteTableBuilder() {}

  public static RouteTable build(List<DomainConfig> domains, ClusterSnapshot cluster) {
    return build(domains, cluster.nodes(), BackendResolver.STATIC, EndpointSelector.ALL_NODES);
  }

  /**
   * @param resolver what each configured backend is now
   * @param selector the endpoints of each backend that take traffic (asked once per distinct backend)
   */
  public static RouteTable build(List<DomainConfig> domains, List<String> nodes, BackendResolver resolver,
      EndpointSelector selector) {
    Map<BackendRef, Backend> backends = new HashMap<>();
    Map<String, HostRoutes> exact = new HashMap<>();
    Map<String, HostRoutes> wildcard = new HashMap<>();
    for (DomainConfig domain : domains) {
      List<HostRoutes.Rule> rules = new ArrayList<>();
      for (PathRule rule : domain.paths()) {
        Backend backend = backends.computeIfAbsent(rule.backend(), ref -> backend(ref, nodes, resolver, selector));
        rules.add(new HostRoutes.Rule(rule.match(), rule.path(), backend));
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

  private static Backend backend(BackendRef ref, List<String> nodes, BackendResolver resolver, EndpointSelector selector) {
    BackendResolver.Resolution resolution = resolver.resolve(ref);
    if (resolution instanceof BackendResolver.Resolved r) {
      return new Backend(ref.toString(), SelectionStrategy.of(r.loadBalancing(), r.healthCheck().slowStart())
          .create(selector.endpoints(r, nodes)), r.allowedSources(), null);
    }
    LoadBalancer none = SelectionStrategy.of(ref.loadBalancing()).create(List.of());
    return new Backend(ref.toString(), none, List.of(), ((BackendResolver.Unavailable) resolution).reason());
  }
}
