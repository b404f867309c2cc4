package io.edgeport.routing;

import io.edgeport.model.PathRule.PathMatch;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rules of one host, in match order. Within a tier: longest path first, Exact before Prefix on a tie
 * (Ingress rules), then Gateway API's further precedence: a method match, then more header matches, then
 * more query parameter matches; equal ones keep their given order (oldest route first). A GRPCRoute's method-only
 * match ranks after every longer path and before {@code /}: GRPCRoute ranks the service's characters before the
 * method's. Tiers follow each
 * other: a Gateway API host's own rules, then those of the less specific hosts it falls through to.
 */
final class HostRoutes {

  private static final Comparator<Route> ORDER = Comparator.<Route>comparingInt(
          r -> r.match() == PathMatch.GRPC_METHOD ? -1 : -r.path().length())
      .thenComparingInt(r -> r.match() == PathMatch.EXACT ? 0 : r.match() == PathMatch.GRPC_METHOD ? 1 : 2)
      .thenComparing(r -> r.conditions() != null && r.conditions().method() != null ? 0 : 1)
      .thenComparingInt(r -> r.conditions() == null ? 0 : -r.conditions().headers().size())
      .thenComparingInt(r -> r.conditions() == null ? 0 : -r.conditions().queryParams().size());

  private final Route[] rules;
  /** Set when the host has one "prefix /" rule without conditions: routing needs no look at the request. */
  private final Route everything;

  /** @param tiers rule groups, most specific first (one for a host that falls through to none) */
  HostRoutes(List<List<Route>> tiers) {
    List<Route> ordered = new ArrayList<>();
    tiers.forEach(tier -> ordered.addAll(tier.stream().sorted(ORDER).toList()));
    this.rules = ordered.toArray(Route[]::new);
    this.everything = this.rules.length == 1 && this.rules[0].match() == PathMatch.PREFIX
        && this.rules[0].path().equals("/") && this.rules[0].conditions() == null ? this.rules[0] : null;
  }

  /** In match order. */
  List<Route> all() {
    return List.of(rules);
  }

  /**
   * @param path   the request path in its matching form ({@link PathNormalizer#forMatching}), never a refused one
   * @param method  the request's method; with {@code headers} and {@code target} (the origin-form request
   *                target, or null) read only by rules with conditions
   * @param tls     it arrived on the HTTPS listener
   */
  Route match(String path, String method, MultiMap headers, String target, boolean tls) {
    if (everything != null) {
      return everything;
    }
    for (Route rule : rules) {
      if (rule.matches(path) && rule.accepts(method, headers, target, tls)) {
        return rule;
      }
    }
    return null;
  }
}
