package io.edgeport.routing;

import io.edgeport.config.HttpsPolicy;
import io.edgeport.config.PathRule.PathMatch;
import io.edgeport.limit.DomainGate;

/**
 * One path rule of a configured domain, as the request path finds it: built once per snapshot, so a
 * lookup allocates nothing.
 *
 * @param domain the configured host ({@code *.apps.example.com} for a wildcard), for metrics and logs
 * @param redirectHttps plain-HTTP requests get a 308 to HTTPS
 * @param hsts   the {@code Strict-Transport-Security} value of HTTPS responses, or null
 * @param gate   the domain's client rules (allow/deny, rate limit), or null: none
 */
public record Route(String domain, PathMatch match, String path, Backend backend, boolean redirectHttps,
    String hsts, DomainGate gate) {

  public Route(String domain, PathMatch match, String path, Backend backend) {
    this(domain, match, path, backend, false, null, null);
  }

  public Route(String domain, PathMatch match, String path, Backend backend, HttpsPolicy https, DomainGate gate) {
    this(domain, match, path, backend, https.redirect(),
        https.hsts() == null ? null : "max-age=" + https.hsts().toSeconds(), gate);
  }

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
