package io.edgeport.config;

import java.util.List;

/**
 * A validated config file. Immutable: a change of config is a new instance.
 *
 * @param nodes the cluster's node addresses (IPs or DNS names), in file order, without duplicates
 */
public record EdgeportConfig(
    ListenAddress listen,
    Timeouts timeouts,
    List<Cidr> trustedProxies,
    List<String> nodes,
    List<DomainConfig> domains) {

  public EdgeportConfig {
    trustedProxies = List.copyOf(trustedProxies);
    nodes = List.copyOf(nodes);
    domains = List.copyOf(domains);
  }

  /** A copy listening on another address (the CLI's {@code --port}, tests' free ports). */
  public EdgeportConfig withListen(ListenAddress other) {
    return new EdgeportConfig(other, timeouts, trustedProxies, nodes, domains);
  }

  /** One line for logs and {@code check}. */
  public String summary() {
    long backends = domains.stream().flatMap(d -> d.paths().stream()).map(PathRule::backend).distinct().count();
    return domains.size() + " domain(s), " + backends + " backend(s), " + nodes.size() + " node(s), listening on "
        + listen;
  }
}
