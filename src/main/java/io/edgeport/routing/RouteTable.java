package io.edgeport.routing;

import java.util.List;
import java.util.Map;

/**
 * Host and path → backend: one immutable snapshot of routing. Lookups are two hash probes at most
 * (exact host, then the wildcard of its parent domain), whatever the number of domains.
 */
public final class RouteTable {
  public static final RouteTable EMPTY = new RouteTable(Map.of(), Map.of());

  private final Map<String, HostRoutes> exact;
  /** Keyed by the part after "*." (the parent domain). */
  private final Map<String, HostRoutes> wildcard;

  RouteTable(Map<String, HostRoutes> exact, Map<String, HostRoutes> wildcard) {
    this.exact = Map.copyOf(exact);
    this.wildcard = Map.copyOf(wildcard);
  }

  /**
   * @param host    a routing key from {@link io.edgeport.net.HostNames#routingKey}
   * @param rawPath the request path, without the query
   * @return the route, or null when nothing is configured for this host and path
   */
  public Route route(String host, String rawPath) {
    HostRoutes routes = exact.get(host);
    if (routes == null) {
      int dot = host.indexOf('.');
      if (dot <= 0) {
        return null;
      }
      routes = wildcard.get(host.substring(dot + 1)); // "*.x.com" covers exactly one more label
      if (routes == null) {
        return null;
      }
    }
    return routes.match(rawPath);
  }

  /** The rules of a configured domain ({@code *.apps.example.com} for a wildcard), in match order; empty if none. */
  public List<Route> routesOf(String domain) {
    HostRoutes routes = domain.startsWith("*.") ? wildcard.get(domain.substring(2)) : exact.get(domain);
    return routes == null ? List.of() : routes.all();
  }

  public int domainCount() {
    return exact.size() + wildcard.size();
  }
}
