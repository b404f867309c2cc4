package io.edgeport.routing;

import io.edgeport.config.PathRule.PathMatch;
import java.util.Comparator;
import java.util.List;

/** The path rules of one host, in match order: longest path first, Exact before Prefix on a tie (Ingress rules). */
final class HostRoutes {

  private static final Comparator<Route> ORDER = Comparator.<Route>comparingInt(r -> -r.path().length())
      .thenComparing(r -> r.match() == PathMatch.EXACT ? 0 : 1);

  private final Route[] rules;
  /** Set when the host has one "prefix /" rule: routing needs no look at the path. */
  private final Route everything;

  HostRoutes(List<Route> rules) {
    this.rules = rules.stream().sorted(ORDER).toArray(Route[]::new);
    this.everything = this.rules.length == 1 && this.rules[0].match() == PathMatch.PREFIX
        && this.rules[0].path().equals("/") ? this.rules[0] : null;
  }

  /** In match order. */
  List<Route> all() {
    return List.of(rules);
  }

  /** @param rawPath the request path as received, without the query */
  Route match(String rawPath) {
    if (everything != null) {
      return everything;
    }
    String path = PathNormalizer.forMatching(rawPath);
    for (Route rule : rules) {
      if (rule.matches(path)) {
        return rule;
      }
    }
    return null;
  }
}
