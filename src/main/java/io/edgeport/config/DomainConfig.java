package io.edgeport.config;

import java.util.List;

/**
 * A routed host name.
 *
 * @param host  lower-case; either an exact name or {@code *.suffix} (exactly one extra label)
 * @param paths at least one rule; a domain with a plain nodePort has the single rule "prefix /"
 */
public record DomainConfig(String host, List<PathRule> paths) {
  public DomainConfig {
    paths = List.copyOf(paths);
  }

  public boolean isWildcard() {
    return host.startsWith("*.");
  }
}
