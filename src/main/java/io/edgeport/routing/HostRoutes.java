package io.edgeport.routing;

import io.edgeport.config.PathRule.PathMatch;
import java.util.Comparator;
import java.util.List;

/** The path rules of one host, in match order: longest path first, Exact before Prefix on a tie (Ingress rules). */
final class HostRoutes {

  record Rule(PathMatch match, String path, Backend backend) {
    boolean matches(String p) {
      if (match == PathMatch.EXACT) {
        return p.equals(path);
      }
      if (path.length() == 1) {
        return true; // "/" matches every path
      }
      return p.startsWith(path) && (p.length() == path.length() || p.charAt(path.length()) == '/');
    }
  }

  private static final Comparator<Rule> ORDER = Comparator.<Rule>comparingInt(r -> -r.path().length())
      .thenComparing(r -> r.match() == PathMatch.EXACT ? 0 : 1);

  private final Rule[] rules;
  /** Set when the host has one "prefix /" rule: routing needs no look at the path. */
  private final Backend everything;

  HostRoutes(List<Rule> rules) {
    this.rules = rules.stream().sorted(ORDER).toArray(Rule[]::new);
    this.everything = this.rules.length == 1 && this.rules[0].match() == PathMatch.PREFIX
        && this.rules[0].path().equals("/") ? this.rules[0].backend() : null;
  }

  /** @param rawPath the request path as received, without the query */
  Backend match(String rawPath) {
    if (everything != null) {
      return everything;
    }
    String path = PathNormalizer.forMatching(rawPath);
    for (Rule rule : rules) {
      if (rule.matches(path)) {
        return rule.backend();
      }
    }
    return null;
  }
}
