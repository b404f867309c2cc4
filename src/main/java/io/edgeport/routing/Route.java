package io.edgeport.routing;

import io.edgeport.limit.DomainGate;
import io.edgeport.model.HttpsPolicy;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RequestConditions;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.RouteTimeouts;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;

/**
 * One path rule of a configured domain, as the request path finds it: built once per generation, so a
 * lookup allocates nothing.
 *
 * @param domain the configured host ({@code *.apps.example.com} for a wildcard), for metrics and logs
 * @param backends where its requests go
 * @param redirectHttps plain-HTTP requests get a 308 to HTTPS
 * @param hsts   the {@code Strict-Transport-Security} value of HTTPS responses, or null
 * @param gate   the domain's client rules (allow/deny, rate limit), or null: none
 * @param conditions what the request must carry besides its path, or null: nothing
 * @param filters what changes on the way, or null: nothing
 * @param mirrors  the backends that get copies of its requests (RequestMirror filters), usually none
 * @param cors     its CORS filter, or null
 * @param sessions its session persistence, or null
 * @param timeouts its Gateway API timeouts, or null: {@code timeouts.response}
 */
public record Route(String domain, PathMatch match, String path, BackendSplit backends, boolean redirectHttps,
    String hsts, DomainGate gate, RequestConditions conditions, RouteFilters filters, List<MirrorTarget> mirrors,
    CorsPolicy cors, SessionTable sessions, RouteTimeouts timeouts) {

  public Route(String domain, PathMatch match, String path, Backend backend) {
    this(domain, match, path, BackendSplit.of(backend), false, null, null, null, null, List.of(), null, null, null);
  }

  Route(String domain, PathMatch match, String path, BackendSplit backends, HttpsPolicy https, DomainGate gate,
      RequestConditions conditions, RouteFilters filters, List<MirrorTarget> mirrors, SessionTable sessions,
      RouteTimeouts timeouts) {
    this(domain, match, path, backends, https.redirect(),
        https.hsts() == null ? null : "max-age=" + https.hsts().toSeconds(), gate,
        conditions.isNone() ? null : conditions, filters.isNone() ? null : filters, List.copyOf(mirrors),
        filters.cors() == null ? null : new CorsPolicy(filters.cors()), sessions, timeouts);
  }

  /** The first backend (the only one, outside Gateway API weights), or null without any. */
  public Backend backend() {
    List<Backend> all = backends.all();
    return all.isEmpty() ? null : all.get(0);
  }

  boolean matches(String p) {
    if (match == PathMatch.EXACT) {
      return p.equals(path);
    }
    if (match == PathMatch.GRPC_METHOD) { // "/SERVICE" + path, SERVICE not empty and without a slash
      int service = p.length() - path.length();
      return service > 1 && p.endsWith(path) && p.indexOf('/', 1) == service;
    }
    if (path.length() == 1) {
      return true; // "/" matches every path
    }
    return p.startsWith(path) && (p.length() == path.length() || p.charAt(path.length()) == '/');
  }

  /**
   * Its conditions against the request: method, then headers, then the query (decoded only if asked).
   *
   * @param target the origin-form request target, path and query
   * @param tls    it arrived on the HTTPS listener
   */
  boolean accepts(String method, MultiMap headers, String target, boolean tls) {
    if (conditions == null) {
      return true;
    }
    if (conditions.scheme() != null && conditions.scheme().equals("https") != tls) {
      return false;
    }
    if (conditions.method() != null && !conditions.method().equals(method)) {
      return false;
    }
    for (NameValue h : conditions.headers()) {
      if (headers == null || !h.value().equals(headers.get(h.name()))) {
        return false;
      }
    }
    if (conditions.queryParams().isEmpty()) {
      return true;
    }
    Map<String, List<String>> params = target == null ? Map.of() : new QueryStringDecoder(target).parameters();
    for (NameValue q : conditions.queryParams()) {
      List<String> values = params.get(q.name());
      if (values == null || !q.value().equals(values.get(0))) { // the first value, as Gateway API says
        return false;
      }
    }
    return true;
  }
}
