package io.edgeport.control;

import io.edgeport.balance.RetryBudget;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.health.HealthRegistry;
import io.edgeport.health.NodeHealth;
import io.edgeport.limit.DomainGate;
import io.edgeport.limit.RateLimiter;
import io.edgeport.model.BackendRef;
import io.edgeport.model.ClientRules;
import io.edgeport.model.ClusterState;
import io.edgeport.model.Domain;
import io.edgeport.model.L4Conflict;
import io.edgeport.model.L4Route;
import io.edgeport.model.PathRule;
import io.edgeport.proxy.AccessLog;
import io.edgeport.proxy.Forwarding;
import io.edgeport.proxy.Generation;
import io.edgeport.routing.Backend;
import io.edgeport.routing.BackendResolver;
import io.edgeport.routing.Resolutions;
import io.edgeport.routing.RouteTableBuilder;
import io.edgeport.tcp.TcpListeners;
import io.edgeport.tcp.TcpTarget;
import io.edgeport.tls.Certificates;
import io.edgeport.translate.LoadBalancerTranslator;
import io.edgeport.translate.SourceMerge;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds each generation from the config, the cluster and health, and keeps what outlives generations: each
 * backend's retry budget and each domain's rate limiter (a reload does not hand every client a fresh burst), and what
 * was logged (host conflicts, ports not relayed or held by another Service, routes that answer 503), so that each is
 * logged once per reason.
 * Used on the control context.
 */
public final class GenerationBuilder {
  /** The root's logger: the control plane's lines read as one ({@code Edgeport - …}). */
  private static final Logger LOG = LoggerFactory.getLogger("io.edgeport.Edgeport");

  private final HealthRegistry health;
  private final Map<BackendRef, RetryBudget> budgets = new HashMap<>();
  private final Map<String, RateLimiter> rateLimiters = new HashMap<>();
  private List<String> conflicts = List.of();
  private Set<String> notRelayed = Set.of();
  private List<L4Conflict> l4Conflicts = List.of();
  private Map<String, String> unavailable = Map.of();
  private Inputs inputs;
  private Inputs built;
  private Map<String, NodeHealth.Status> builtHealth = Map.of();

  /** @param health which endpoints take traffic; re-aimed at the backends of every config and cluster change */
  public GenerationBuilder(HealthRegistry health) {
    this.health = health;
  }

  /**
   * What a generation is built from, resolved once per config or cluster change: every backend resolved once.
   *
   * @param l4 the ports of LoadBalancer Services served (kubernetes.loadBalancer), and those refused
   */
  public record Inputs(EdgeportConfig config, ClusterState cluster, SourceMerge merged, LoadBalancerTranslator.Ports l4,
      Resolutions resolutions) {
    /** The longest health check timeout of the domains' backends. */
    public long longestCheckTimeout() {
      return merged.domains().stream().flatMap(d -> d.paths().stream()).flatMap(p -> p.backendRefs().stream())
          .mapToLong(ref -> ref.healthCheck().timeout().toMillis()).max().orElse(0);
    }
  }

  private static List<BackendRef> relayed(List<L4Route> l4) {
    return l4.stream().map(L4Route::backend).filter(Objects::nonNull).toList();
  }

  /**
   * Merges the sources and resolves every backend against {@code cluster} (a new host or port conflict is logged),
   * and aims the health checks at them: what the next generation is built from ({@link #inputs()}).
   */
  public void resolve(EdgeportConfig config, ClusterState cluster) {
    SourceMerge merged = SourceMerge.of(config.domains(), cluster.discoveredDomains());
    if (!merged.conflicts().equals(conflicts)) {
      merged.conflicts().stream().filter(c -> !conflicts.contains(c)).forEach(c -> LOG.warn("host conflict: {}", c));
      conflicts = merged.conflicts();
    }
    BackendResolver resolver = config.kubernetes() == null ? BackendResolver.STATIC
        : new ServiceResolver(cluster, config.kubernetes());
    KubernetesConfig.LoadBalancerClass lb = config.kubernetes() == null ? null : config.kubernetes().loadBalancer();
    LoadBalancerTranslator.Ports l4 = lb == null ? LoadBalancerTranslator.Ports.NONE
        : LoadBalancerTranslator.of(cluster.services(), lb);
    Set<String> notRelayedNow = new HashSet<>();
    for (L4Route p : l4.routes()) {
      if (p.backend() == null && notRelayedNow.add(p.name()) && !notRelayed.contains(p.name())) {
        LOG.warn("loadBalancer {}: {} is not served (edgeport relays TCP)", p.name(), p.protocol());
      }
    }
    notRelayed = notRelayedNow;
    l4.conflicts().stream().filter(c -> !l4Conflicts.contains(c))
        .forEach(c -> LOG.warn("loadBalancer {} is not served: {}", c.name(), c.why()));
    l4Conflicts = l4.conflicts();
    List<BackendRef> tcpBackends = relayed(l4.routes());
    inputs = new Inputs(config, cluster, merged, l4, Resolutions.of(merged.domains(), tcpBackends, resolver));
    health.update(merged.domains(), tcpBackends, cluster.nodes(), inputs.resolutions());
  }

  /**
   * The generation after {@code current}, built from the last inputs resolved and the health now; {@code current}
   * itself when nothing it is built from changed (its balancers keep their state).
   */
  public Generation build(Generation current, int httpsPort, AccessLog accessLog, Certificates certificates,
      Map<String, String> acmeTokens) {
    Map<String, NodeHealth.Status> healthNow = health.statuses();
    if (inputs == built && current.accessLog() == accessLog && current.certificates() == certificates
        && current.acmeTokens().equals(acmeTokens)
        && current.forwarding().httpsPort() == httpsPort && healthNow.equals(builtHealth)) {
      return current;
    }
    Resolutions resolutions = inputs.resolutions();
    List<Domain> domains = inputs.merged().domains();
    Generation next = current.next(RouteTableBuilder.build(domains, inputs.cluster().nodes(), resolutions, health,
        this::budget, d -> gate(d, inputs.config().limits().ipv6Prefix())), tcp(inputs),
        Forwarding.of(inputs.config(), httpsPort), accessLog, certificates, acmeTokens);
    budgets.keySet().retainAll(resolutions.byBackend().keySet());
    Set<String> hosts = new HashSet<>();
    domains.forEach(d -> hosts.add(d.host()));
    rateLimiters.keySet().retainAll(hosts);
    built = inputs;
    builtHealth = healthNow;
    logUnavailable(domains, resolutions);
    return next;
  }

  /** Each TCP port of each served LoadBalancer Service at each address, with the port's nodes as they serve now. */
  private Map<TcpListeners.Bind, TcpTarget> tcp(Inputs inputs) {
    EdgeportConfig config = inputs.config();
    KubernetesConfig.LoadBalancerClass lb = config.kubernetes() == null ? null : config.kubernetes().loadBalancer();
    Map<TcpListeners.Bind, TcpTarget> out = new LinkedHashMap<>();
    if (lb == null) {
      return out;
    }
    for (L4Route p : inputs.l4().routes()) {
      if (p.backend() == null) {
        continue; // UDP, SCTP: shown as not served by status
      }
      Backend backend = RouteTableBuilder.backend(p.backend(), inputs.resolutions().get(p.backend()),
          inputs.cluster().nodes(), health, budget(p.backend()));
      TcpTarget target = new TcpTarget(p.name(), backend, config.timeouts().connect().toMillis(),
          config.timeouts().tcpIdle().toMillis(), lb.maxConnections(), lb.maxConnectionsPerIp(),
          config.limits().ipv6Prefix());
      for (String address : lb.addresses()) {
        out.put(new TcpListeners.Bind(address, p.port()), target);
      }
    }
    return out;
  }

  /**
   * A domain's client rules for the request path, or null without any. Its rate limiter is kept across
   * generations while the domain's limit stays the same.
   */
  private DomainGate gate(Domain domain, int ipv6Prefix) {
    ClientRules rules = domain.clients();
    if (rules.isNone()) {
      return null;
    }
    RateLimiter limiter = null;
    if (rules.rateLimit() != null) {
      limiter = rateLimiters.get(domain.host());
      if (limiter == null || !limiter.limit().equals(rules.rateLimit()) || limiter.ipv6Prefix() != ipv6Prefix) {
        limiter = new RateLimiter(rules.rateLimit(), ipv6Prefix);
        rateLimiters.put(domain.host(), limiter);
      }
    }
    return new DomainGate(rules, limiter);
  }

  /** A backend's retry budget: the same one for as long as the backend is configured, across generations. */
  private RetryBudget budget(BackendRef ref) {
    return budgets.computeIfAbsent(ref, r -> new RetryBudget(r.retry().budgetPercent(), r.retry().budgetMinPerSecond()));
  }

  /** Domains that cannot serve (their requests get 503) are logged once per reason. */
  private void logUnavailable(List<Domain> domains, Resolutions resolutions) {
    Map<String, String> now = new TreeMap<>();
    for (Domain d : domains) {
      for (PathRule rule : d.paths()) {
        for (BackendRef ref : rule.backendRefs()) {
          if (resolutions.get(ref) instanceof BackendResolver.Unavailable u) {
            now.put(d.host() + (rule.path().equals("/") ? "" : " " + rule.path()), u.reason());
          }
        }
      }
    }
    Map<String, String> before = unavailable;
    now.forEach((route, why) -> {
      if (!why.equals(before.get(route))) {
        LOG.warn("domain {} answers 503: {}", route, why);
      }
    });
    before.keySet().stream().filter(r -> !now.containsKey(r)).forEach(r -> LOG.info("domain {} serves again", r));
    unavailable = Map.copyOf(now);
  }

  /** The inputs last resolved, or null before the first. */
  public Inputs inputs() {
    return inputs;
  }

  /** The status of the last generation built, with the rest of what status shows. */
  public Status status(Map<TcpListeners.Bind, String> l4Failures, Status.Source source, Status.Reload lastReload,
      Status.Reloads reloads) {
    if (built == null) {
      return new Status(null, null, List.of(), new Resolutions(Map.of()), Map.of(), List.of(), Map.of(), List.of(),
          List.of(), l4Failures, source, lastReload, reloads);
    }
    return new Status(built.config(), built.cluster(), built.merged().domains(), built.resolutions(), builtHealth,
        built.merged().conflicts(), unavailable, built.l4().routes(), built.l4().conflicts(), l4Failures, source,
        lastReload, reloads);
  }
}
