package io.edgeport.admin;

import io.edgeport.Edgeport;
import io.edgeport.acme.AcmeManager;
import io.edgeport.balance.Endpoint;
import io.edgeport.config.Durations;
import io.edgeport.control.Status;
import io.edgeport.health.CheckKey;
import io.edgeport.health.NodeHealth;
import io.edgeport.health.NodeReport;
import io.edgeport.model.ClusterState;
import io.edgeport.model.Domain;
import io.edgeport.model.PathRule;
import io.edgeport.model.RequestConditions;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.WeightedBackend;
import io.edgeport.proxy.Generation;
import io.edgeport.proxy.Traffic;
import io.edgeport.routing.BackendResolver;
import io.edgeport.routing.Route;
import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the gateway serves now, as JSON: the effective routing (config file and Kubernetes merged),
 * each domain with where it was declared, each route's nodes with their health, last check, whether
 * they take traffic and why not, and their request counts; the certificates served, with where each comes from, and
 * with {@code acme:} each host's ACME state. The same document feeds the dashboard and {@code edgeport status}.
 */
final class StatusReport {
  private StatusReport() {}

  /** @param rates request and 5xx rates over the last seconds */
  static JsonObject of(Edgeport edgeport, Rates.Window rates, Instant startedAt, String version) {
    Status view = edgeport.status();
    Generation generation = edgeport.generation();
    Traffic.Totals traffic = edgeport.traffic().totals();
    Instant now = Instant.now();
    JsonObject out = new JsonObject()
        .put("version", version)
        .put("startedAt", startedAt.toString())
        .put("now", now.toString())
        .put("generation", generation.version())
        .put("ready", edgeport.ready())
        .put("draining", generation.draining());
    Status.Reload reload = view.lastReload();
    if (reload != null) {
      out.put("lastReload", new JsonObject().put("ok", reload.ok()).put("at", reload.at().toString())
          .put("source", reload.source()).put("error", reload.error()));
    }
    out.put("reloads", new JsonObject().put("applied", view.reloads().applied()).put("refused", view.reloads().refused()));
    long requests = 0;
    long errors = 0;
    for (Traffic.DomainTotals t : traffic.domains().values()) {
      requests += t.requests();
      errors += t.errors();
    }
    out.put("traffic", new JsonObject().put("requests", requests).put("errors5xx", errors)
        .put("requestsPerSecond", round(rates.total().requests())).put("errors5xxPerSecond", round(rates.total().errors()))
        .put("openConnections", traffic.openConnections()).put("connections", traffic.connections())
        .put("openWebsockets", traffic.openWebsockets())
        .put("retries", traffic.totalRetries()).put("retryBudgetExhausted", traffic.budgetExhausted()));
    if (view.config() == null) {
      return out.put("domains", new JsonArray());
    }
    out.put("listen", view.config().listen().toString());
    out.put("certificates", certificates(generation.certificates(), now));
    if (view.config().acme() != null) {
      AcmeManager acme = edgeport.acme();
      out.put("acme", acme(view.config().acme().directory(), acme.views(), acme.ordersSucceeded(), acme.ordersFailed(),
          acme.renewals(), now));
    }
    JsonObject cluster = cluster(view.cluster(), view.config().kubernetes() != null, view.source().state())
        .put("writesStatus", view.source().writesStatus()).put("conflicts", new JsonArray(view.conflicts()));
    if (view.config().kubernetes() != null && view.config().kubernetes().gatewayClass() != null) {
      List<String> missing = view.source().missingGatewayApi();
      cluster.put("gatewayApi", new JsonObject().put("gatewayClass", view.config().kubernetes().gatewayClass())
          .put("installed", missing.isEmpty()).put("missing", new JsonArray(missing))
          .put("unserved", new JsonArray(view.source().unservedGatewayApi())));
    }
    List<String> untranslatable = view.source().translationFailures();
    if (!untranslatable.isEmpty()) {
      cluster.put("translationFailures", new JsonArray(untranslatable)); // a bug: its log line has the stack
    }
    out.put("cluster", cluster);
    Map<CheckKey, NodeReport> health = edgeport.health().reports();
    JsonArray domains = new JsonArray();
    for (Domain d : view.domains()) {
      domains.add(domain(d, view, generation, health, traffic.domains().get(d.host()),
          rates.byDomain().getOrDefault(d.host(), Rates.Rate.NONE)));
    }
    out.put("loadBalancers", LoadBalancerReport.of(edgeport, view, health));
    return out.put("domains", domains);
  }

  /**
   * What the HTTPS listener serves, with where each certificate comes from ({@link CertificateSource}) and when it
   * expires (renewals that did not happen show).
   */
  static JsonArray certificates(Certificates certificates, Instant now) {
    JsonArray out = new JsonArray();
    for (ServedCertificate c : certificates.all()) {
      out.add(expiry(new JsonObject().put("hosts", new JsonArray(c.hosts())).put("origin", c.config().origin())
          .put("source", CertificateSource.of(c).label()).put("subject", c.leaf().getSubjectX500Principal().getName())
          .put("issuer", c.leaf().getIssuerX500Principal().getName()), c.leaf().getNotAfter().toInstant(), now));
    }
    return out;
  }

  /**
   * The ACME side: the order counters and every host wanted, also those without a certificate yet (pending, not
   * obtainable, failing), with the next renewal ({@code renewAt}) or, after a failure, the next attempt.
   */
  static JsonObject acme(URI directory, List<AcmeManager.HostView> views, long succeeded, long failed, long renewals,
      Instant now) {
    JsonArray hosts = new JsonArray();
    for (AcmeManager.HostView h : views) {
      hosts.add(expiry(new JsonObject().put("host", h.host()).put("origin", h.origin()).put("state", h.state())
          .put("issuer", h.issuer()), h.notAfter(), now)
          .put("renewAt", text(h.renewAt())).put("lastError", h.lastError())
          .put("nextAttempt", text(h.nextAttempt())).put("failures", h.failures()));
    }
    return new JsonObject().put("directory", directory.toString())
        .put("orders", new JsonObject().put("succeeded", succeeded).put("failed", failed)).put("renewals", renewals)
        .put("hosts", hosts);
  }

  /** {@code notAfter} and the whole days left until then; both null without a certificate. */
  private static JsonObject expiry(JsonObject out, Instant notAfter, Instant now) {
    return out.put("notAfter", text(notAfter))
        .put("daysLeft", notAfter == null ? null : Duration.between(now, notAfter).toDays());
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  private static JsonObject cluster(ClusterState cluster, boolean kubernetes, String state) {
    JsonObject excluded = new JsonObject();
    cluster.excludedNodes().forEach(excluded::put);
    return new JsonObject().put("source", kubernetes ? "kubernetes" : "static").put("state", state)
        .put("nodes", new JsonArray(cluster.nodes())).put("excluded", excluded);
  }

  private static JsonObject domain(Domain d, Status view, Generation generation,
      Map<CheckKey, NodeReport> health, Traffic.DomainTotals totals, Rates.Rate rate) {
    JsonArray routes = new JsonArray();
    List<Route> live = generation.routes().routesOf(d.host());
    boolean healthy = false;
    for (PathRule rule : d.paths()) {
      Route route = live.stream().filter(r -> r.match() == rule.match() && r.path().equals(rule.path())
          && Objects.equals(r.conditions(), rule.conditions().isNone() ? null : rule.conditions()))
          .findFirst().orElse(null);
      if (rule.backends().isEmpty()) { // answered by the gateway: a redirect (or Gateway API's 500)
        routes.add(ruleOnly(rule).put("nodes", new JsonArray()).put("nodesUp", 0));
        continue;
      }
      for (WeightedBackend backend : rule.backends()) { // a split rule: one entry per backend, with its weight
        if (backend.ref() == null) {
          routes.add(ruleOnly(rule).put("backend", "-").put("weight", backend.weight())
              .put("unavailable", "a backendRef that cannot be used (see the route's status): answered 500")
              .put("nodes", new JsonArray()).put("nodesUp", 0));
          continue;
        }
        JsonObject r = route(rule, backend, route, view, health, totals);
        healthy |= r.getInteger("nodesUp") > 0;
        routes.add(r);
      }
    }
    JsonObject out = new JsonObject().put("host", d.host()).put("origin", d.origin()).put("healthy", healthy)
        .put("requestsPerSecond", round(rate.requests())).put("errors5xxPerSecond", round(rate.errors()))
        .put("routes", routes);
    if (totals != null) {
      out.put("requests", totals.requests()).put("errors5xx", totals.errors())
          .put("bytesIn", totals.bytesIn()).put("bytesOut", totals.bytesOut());
    } else {
      out.put("requests", 0L).put("errors5xx", 0L).put("bytesIn", 0L).put("bytesOut", 0L);
    }
    return out;
  }

  /** What a rule matches besides its path, and what it changes, when it does (Gateway API rules). */
  private static JsonObject ruleOnly(PathRule rule) {
    JsonObject out = new JsonObject()
        .put("match", rule.match().name().toLowerCase())
        .put("path", rule.path());
    RequestConditions c = rule.conditions();
    if (!c.isNone()) {
      List<String> parts = new ArrayList<>();
      if (c.method() != null) {
        parts.add("method " + c.method());
      }
      c.headers().forEach(h -> parts.add("header " + h.name() + ": " + h.value()));
      c.queryParams().forEach(q -> parts.add("query " + q.name() + "=" + q.value()));
      out.put("conditions", String.join(", ", parts));
    }
    RouteFilters f = rule.filters();
    if (f.redirect() != null) {
      out.put("redirect", f.redirect().statusCode() + (f.redirect().scheme() != null ? " to " + f.redirect().scheme() : "")
          + (f.redirect().hostname() != null ? " host " + f.redirect().hostname() : "")
          + (f.redirect().path() != null ? " path " + f.redirect().path().value() : ""));
    }
    if (f.rewrite() != null) {
      out.put("rewrite", (f.rewrite().hostname() != null ? "host " + f.rewrite().hostname() + " " : "")
          + (f.rewrite().path() != null ? "path " + f.rewrite().path().value() : "").trim());
    }
    if (!f.mirrors().isEmpty()) {
      out.put("mirrors", String.join(", ", f.mirrors().stream().map(m -> (m.backend() == null ? "-"
          : m.backend().toString()) + " " + m.numerator() + "/" + m.denominator()).toList()));
    }
    if (f.cors() != null) {
      out.put("cors", "origins " + String.join(" ", f.cors().allowOrigins())
          + (f.cors().allowCredentials() ? ", credentials" : ""));
    }
    if (rule.timeouts() != null) {
      out.put("timeouts", "request " + timeout(rule.timeouts().request()) + ", backendRequest "
          + timeout(rule.timeouts().backendRequest()));
    }
    if (rule.session() != null) {
      out.put("session", rule.session().type().name().toLowerCase() + " " + rule.session().name());
    }
    return out;
  }

  private static String timeout(java.time.Duration d) {
    return d == null || d.isZero() ? "none" : Durations.format(d);
  }

  private static JsonObject route(PathRule rule, WeightedBackend backend, Route route, Status view,
      Map<CheckKey, NodeReport> health, Traffic.DomainTotals totals) {
    JsonObject out = ruleOnly(rule).put("backend", backend.ref().toString());
    if (rule.backends().size() > 1) {
      out.put("weight", backend.weight());
    }
    BackendResolver.Resolution resolution = view.resolutions().get(backend.ref());
    if (resolution instanceof BackendResolver.Unavailable u) {
      return out.put("unavailable", u.reason()).put("nodes", new JsonArray()).put("nodesUp", 0);
    }
    BackendResolver.Resolved resolved = (BackendResolver.Resolved) resolution;
    out.put("nodePort", resolved.nodePort()).put("loadBalancing", resolved.loadBalancing().configName())
        .put("protocol", resolved.h2c() ? "h2c" : "http1")
        .put("healthCheck", resolved.healthCheck().isHttp()
            ? "HTTP GET " + resolved.healthCheck().path() + " on :" + resolved.healthCheck().portFor(resolved.nodePort())
            : "TCP connect");
    Map<String, Endpoint> serving = new HashMap<>();
    if (route != null) {
      route.backends().all().stream().filter(b -> b.name().equals(backend.ref().toString())).findFirst()
          .ifPresent(b -> b.balancer().endpoints().forEach(e -> serving.put(e.host(), e)));
    }
    JsonArray nodes = new JsonArray();
    int up = 0;
    for (String node : view.cluster().nodes()) {
      CheckKey key = CheckKey.of(node, resolved.nodePort(), resolved.healthCheck());
      NodeReport report = health.get(key);
      NodeHealth.Status status = report == null ? NodeHealth.Status.UNKNOWN : report.status();
      if (status == NodeHealth.Status.UP) {
        up++;
      }
      Endpoint endpoint = serving.get(node);
      String label = endpoint != null ? endpoint.toString() : new Endpoint(node, resolved.nodePort()).toString();
      long[] classes = totals == null ? null : totals.byNode().get(label);
      JsonObject n = new JsonObject()
          .put("address", node)
          .put("endpoint", label)
          .put("check", key.toString())
          .put("status", status.name())
          .put("reason", report == null ? null : report.reason())
          .put("since", report == null || report.since() == null ? null : report.since().toString())
          .put("lastResult", report == null ? null : report.lastResult())
          .put("lastChecked", report == null || report.lastChecked() == null ? null : report.lastChecked().toString())
          .put("serving", endpoint != null)
          .put("inFlight", endpoint == null ? 0 : endpoint.inFlight())
          .put("requests", classes == null ? 0L : sum(classes))
          .put("errors5xx", classes == null ? 0L : classes[4]);
      if (endpoint == null) {
        n.put("notServingBecause", status == NodeHealth.Status.DOWN ? "DOWN: " + report.reason() : "not in routing yet");
      }
      nodes.add(n);
    }
    view.cluster().excludedNodes().forEach((name, why) -> nodes.add(new JsonObject().put("name", name)
        .put("status", "EXCLUDED").put("reason", why).put("serving", false).put("notServingBecause", why)));
    return out.put("nodes", nodes).put("nodesUp", up);
  }

  private static double round(double perSecond) {
    return Math.round(perSecond * 10) / 10.0;
  }

  private static long sum(long[] values) {
    long n = 0;
    for (long v : values) {
      n += v;
    }
    return n;
  }
}
