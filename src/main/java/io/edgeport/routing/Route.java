package io.edgeport.routing;

import io.edgeport.config.PathRule.PathMatch;

/**
 * One path rule of a configured domain, as the request path finds it: built once per snapshot, so a
 * lookup allocates nothing.
 *
 * @param domain the configured host ({@code *.apps.example.com} for a wildcard), for metrics and logs
 */
public record Route(String domain, PathMatch match, String path, Backend backend) {

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
