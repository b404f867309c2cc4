package io.edgeport.config;

import io.edgeport.model.Domain;
import io.edgeport.model.PathRule;
import io.edgeport.net.Cidr;
import java.util.List;

/**
 * A validated config file. Immutable: a change of config (a reload) is a new instance.
 *
 * @param untrustedHeaders request headers (lower case) that only a proxy of the user's may set: removed, like
 *                   X-Forwarded-* and Forwarded, from requests of clients outside {@code trustedProxies}
 * @param nodes      the cluster's node addresses (IPs or DNS names), in file order, without duplicates; empty
 *                   when {@code kubernetes} supplies them
 * @param kubernetes where nodes and Services come from, or null for the static {@code nodes}
 * @param admin      where the admin API and dashboard listen, or null: off
 * @param accessLog  the access log, or null: off
 * @param tls        the HTTPS listener's certificates (Ingress TLS adds to them)
 * @param limits     what one client may hold: header size and time, body pauses, requests per connection
 * @param acme       certificates from an ACME CA for the hosts {@code tls} does not cover, or null: off
 */
public record EdgeportConfig(
    ListenConfig listen,
    Timeouts timeouts,
    List<Cidr> trustedProxies,
    List<String> untrustedHeaders,
    List<String> nodes,
    List<Domain> domains,
    KubernetesConfig kubernetes,
    ListenAddress admin,
    AccessLogConfig accessLog,
    ShutdownConfig shutdown,
    List<CertificateConfig> tls,
    LimitsConfig limits,
    AcmeConfig acme) {

  /**
   * Request headers that name the client or rewrite the target for the application behind (nginx's X-Real-IP,
   * Akamai's and Cloudflare's client headers, IIS's and Symfony's URL overrides): only a proxy of the user's may set
   * them.
   */
  public static final List<String> UNTRUSTED_HEADERS = List.of("x-real-ip", "true-client-ip", "cf-connecting-ip",
      "x-original-url", "x-rewrite-url");

  /** A config with static nodes, plain HTTP, and no admin listener, access log or shutdown settings (tests, tools). */
  public EdgeportConfig(ListenAddress listen, Timeouts timeouts, List<Cidr> trustedProxies, List<String> nodes,
      List<Domain> domains) {
    this(new ListenConfig(listen, null, false), timeouts, trustedProxies, UNTRUSTED_HEADERS, nodes, domains, null,
        null, null, ShutdownConfig.DEFAULTS, List.of(), LimitsConfig.DEFAULTS, null);
  }

  public EdgeportConfig {
    trustedProxies = List.copyOf(trustedProxies);
    untrustedHeaders = List.copyOf(untrustedHeaders);
    nodes = List.copyOf(nodes);
    domains = List.copyOf(domains);
    tls = List.copyOf(tls);
  }

  /** A copy listening on other addresses (the CLI's {@code --port}, tests' free ports). */
  public EdgeportConfig withListen(ListenConfig other) {
    return new EdgeportConfig(other, timeouts, trustedProxies, untrustedHeaders, nodes, domains, kubernetes, admin,
        accessLog, shutdown, tls, limits, acme);
  }

  /** A copy with the admin listener on {@code other} (the CLI's {@code --admin}). */
  public EdgeportConfig withAdmin(ListenAddress other) {
    return new EdgeportConfig(listen, timeouts, trustedProxies, untrustedHeaders, nodes, domains, kubernetes, other,
        accessLog, shutdown, tls, limits, acme);
  }

  /** One line for logs and {@code check}. */
  public String summary() {
    long backends = domains.stream().flatMap(d -> d.paths().stream()).map(PathRule::backend).distinct().count();
    return domains.size() + " domain(s), " + backends + " backend(s), "
        + (kubernetes != null ? "nodes from Kubernetes" : nodes.size() + " node(s)") + ", listening on " + listen
        + (admin != null ? ", admin on " + admin : "");
  }
}
