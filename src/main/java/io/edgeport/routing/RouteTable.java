package io.edgeport.routing;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;

/**
 * Host and path → backend: the routing of one generation, immutable. Lookups are two hash probes at most
 * (exact host, then the wildcard of its parent domain), whatever the number of domains; Gateway API
 * wildcards, which cover any number of labels, add one probe per parent domain when there are any.
 */
public final class RouteTable {
  public static final RouteTable EMPTY = new RouteTable(Map.of(), Map.of(), Map.of(), null);

  private final Map<String, HostRoutes> exact;
  /** Keyed by the part after "*." (the parent domain): exactly one more label. */
  private final Map<String, HostRoutes> wildcard;
  /** Gateway API wildcards, keyed by the part after "*.": one or more labels. */
  private final Map<String, HostRoutes> suffix;
  /** Gateway API rules for every host, or null. */
  private final HostRoutes anyHost;

  RouteTable(Map<String, HostRoutes> exact, Map<String, HostRoutes> wildcard, Map<String, HostRoutes> suffix,
      HostRoutes anyHost) {
    this.exact = Map.copyOf(exact);
    this.wildcard = Map.copyOf(wildcard);
    this.suffix = Map.copyOf(suffix);
    this.anyHost = anyHost;
  }

  /** A lookup by host and path alone: only rules without request conditions can match. */
  public Route route(String host, String path) {
    return route(host, path, "GET", null, null, false);
  }

  /**
   * @param host    a routing key from {@link io.edgeport.net.HostNames#routingKey}
   * @param path    the request path without the query, in the form rules match: {@link PathNormalizer#forMatching}
   *                of it, which the caller has already computed (and answered 400 when it refused the path)
   * @param method  with {@code headers} and {@code target} (the origin-form request target, or null), read only
   *                by rules with conditions
   * @param tls     it arrived on the HTTPS listener
   * @return the route, or null when nothing is configured for this host and path
   */
  public Route route(String host, String path, String method, MultiMap headers, String target, boolean tls) {
    HostRoutes routes = hostRoutes(host);
    return routes == null ? null : routes.match(path, method, headers, target, tls);
  }

  private HostRoutes hostRoutes(String host) {
    HostRoutes routes = exact.get(host);
    if (routes != null) {
      return routes;
    }
    int dot = host.indexOf('.');
    if (dot > 0) {
      routes = wildcard.get(host.substring(dot + 1)); // "*.x.com" covers exactly one more label
      if (routes != null) {
        return routes;
      }
    }
    if (!suffix.isEmpty()) {
      while (dot > 0) { // the most specific Gateway API wildcard first
        routes = suffix.get(host.substring(dot + 1));
        if (routes != null) {
          return routes;
        }
        dot = host.indexOf('.', dot + 1);
      }
    }
    return anyHost;
  }

  /** The rules of a configured domain ({@code *.apps.example.com} for a wildcard), in match order; empty if none. */
  public List<Route> routesOf(String domain) {
    HostRoutes routes = domain.equals("*") ? anyHost : domain.startsWith("*.")
        ? wildcard.getOrDefault(domain.substring(2), suffix.get(domain.substring(2))) : exact.get(domain);
    return routes == null ? List.of() : routes.all();
  }

  public int domainCount() {
    return exact.size() + wildcard.size() + suffix.size() + (anyHost == null ? 0 : 1);
  }
}
