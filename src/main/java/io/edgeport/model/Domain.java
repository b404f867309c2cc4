package io.edgeport.model;

import java.util.List;

/**
 * A routed host name.
 *
 * @param host   lower-case; either an exact name or {@code *.suffix} (exactly one extra label)
 * @param paths  at least one rule; a domain with a plain nodePort has the single rule "prefix /"
 * @param origin where it was declared, for status: {@code FILE:LINE} or {@code ingress NAMESPACE/NAME}
 * @param https  its redirect to HTTPS and HSTS
 * @param clients who may use it (allow/deny) and how fast (rate limit)
 * @param gatewayApi its host follows the Gateway API: a wildcard covers any number of labels, {@code *} alone is
 *     every host, and a request that none of its rules takes falls to the next most specific Gateway API host
 */
public record Domain(String host, List<PathRule> paths, String origin, HttpsPolicy https,
    ClientRules clients, boolean gatewayApi) {
  /** The host of Gateway API rules for every host name. */
  public static final String ANY_HOST = "*";

  public Domain {
    paths = List.copyOf(paths);
  }

  public Domain(String host, List<PathRule> paths, String origin, HttpsPolicy https, ClientRules clients) {
    this(host, paths, origin, https, clients, false);
  }

  public Domain(String host, List<PathRule> paths, String origin) {
    this(host, paths, origin, HttpsPolicy.NONE, ClientRules.NONE);
  }

  /** A domain declared in code (tests, tools). */
  public Domain(String host, List<PathRule> paths) {
    this(host, paths, "");
  }

  public boolean isWildcard() {
    return host.startsWith("*.");
  }
}
