package io.edgeport.proxy;

import io.edgeport.limit.DomainGate;
import io.edgeport.model.RouteFilters;
import io.edgeport.net.HostNames;
import io.edgeport.routing.Backend;
import io.edgeport.routing.Route;
import io.edgeport.routing.SessionTable;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/**
 * The request path's entry on one event loop: one read of the current {@link Generation}, a host and
 * path lookup, and either a short local answer or a {@link ProxyExchange}. It never forwards to a
 * host that is not configured, so it is not an open proxy.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {
  private static final String ACME_CHALLENGE_PATH = "/.well-known/acme-challenge/";
  private final ProxyContext ctx;
  private final Vertx vertx;
  private final Http2Fields http2Fields = new Http2Fields();
  /** The response-timeout queue of the latest forwarding settings; exchanges keep the one they started with. */
  private Forwarding deadlinesFor;
  private ResponseDeadlines deadlines;

  ProxyHandler(Vertx vertx, ProxyContext ctx) {
    this.vertx = vertx;
    this.ctx = ctx;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
    Generation generation = ctx.generations().get();
    if (request.method() == HttpMethod.CONNECT) {
      Reports.local(ctx, generation.accessLog(), request, "", 405, start);
      return;
    }
    if (request.version() == HttpVersion.HTTP_2 && !http2Fields.valid(request)) {
      ctx.traffic().refused(400); // RFC 9113 §8.2.1: malformed
      Reports.local(ctx, generation.accessLog(), request, "", 400, start);
      return;
    }
    RequestTarget target = RequestTarget.parse(request.uri(), authority(request));
    if (target == null) {
      ctx.traffic().refused(400); // neither origin nor absolute form, or an ambiguous path
      Reports.local(ctx, generation.accessLog(), request, "", 400, start);
      return;
    }
    if (!ctx.tls() && !generation.acmeTokens().isEmpty() && answeredAcme(request, generation, start)) {
      return;
    }
    String host = HostNames.routingKey(target.authority());
    if (ctx.tls() && host != null && Misdirection.misdirected(request, host, generation.certificates())) {
      Reports.local(ctx, generation.accessLog(), request, "", 421, start);
      return;
    }
    Route route = host == null ? null
        : generation.routes().route(host, target.matching(), request.method().name(), request.headers(),
            target.target(), ctx.tls());
    if (route == null) {
      Reports.local(ctx, generation.accessLog(), request, "", 404, start);
      return;
    }
    if (route.gate() != null && !admitted(request, route, generation, start)) {
      return;
    }
    if (route.cors() != null && CorsAnswers.isPreflight(request)) {
      CorsAnswers.preflight(request, route.cors()); // a browser's question, answered at the edge
      Reports.report(ctx, generation.accessLog(), request, route.domain(), "", 200, start, 0, null);
      return;
    }
    RouteFilters.Redirect redirect = route.redirectHttps() && !ctx.tls()
        && !arrivedOverHttps(request, generation.forwarding()) ? generation.forwarding().toHttps
        : route.filters() != null ? route.filters().redirect() : null;
    if (redirect != null) {
      Reports.redirect(ctx, generation.accessLog(), request, route.domain(), redirect.statusCode(),
          RuleEdits.location(redirect, target, route, ctx.tls()), start);
      return;
    }
    SessionTable sessions = route.sessions();
    String token = sessions == null ? null : SessionTokens.read(request.headers(), sessions.policy());
    SessionTable.Pin pin = token == null ? null : sessions.find(token, System.currentTimeMillis() / 1000);
    Backend backend = pin != null ? pin.backend() : route.backends().pick();
    if (backend == null || backend.unavailableReason() != null) {
      // none: a Gateway API rule without backends (500, as it asks); unavailable: the reason is in the log and status
      Reports.local(ctx, generation.accessLog(), request, route.domain(), backend == null ? 500 : 503, start);
      return;
    }
    Forwarding forwarding = generation.forwarding();
    new ProxyExchange(ctx, generation.accessLog(), forwarding, deadlines(forwarding), request, target, route,
        backend, start, pin).start();
  }

  /**
   * HTTP-01 (RFC 8555 §8.3): the key authorization of one of edgeport's own orders, before routing, redirects and
   * client rules (a CA's validator must reach it whatever they say). Any other token is routed as usual: another
   * ACME client's solver (cert-manager's) behind edgeport keeps working.
   */
  private boolean answeredAcme(HttpServerRequest request, Generation generation, long start) {
    String path = request.path();
    if (path == null || !path.startsWith(ACME_CHALLENGE_PATH) || request.method() != HttpMethod.GET) {
      return false;
    }
    String keyAuthorization = generation.acmeTokens().get(path.substring(ACME_CHALLENGE_PATH.length()));
    if (keyAuthorization == null) {
      return false;
    }
    Reports.text(ctx, generation.accessLog(), request, keyAuthorization, start);
    return true;
  }

  /** The domain's client rules: 403 for a client it does not let in, 429 (with Retry-After) past its rate. */
  private boolean admitted(HttpServerRequest request, Route route, Generation generation, long start) {
    Forwarding forwarding = generation.forwarding();
    String peer = request.remoteAddress().hostAddress();
    String client = forwarding.forwarded.clientAddress(peer, forwarding.forwarded.isTrusted(peer), request.headers());
    long verdict = route.gate().check(client, start);
    if (verdict == DomainGate.PASS) {
      long max = route.gate().maxBodyBytes();
      if (max > 0 && Bodies.declaredLength(request.headers()) > max) {
        Reports.local(ctx, generation.accessLog(), request, route.domain(), 413, start); // unread: closes after
        return false;
      }
      return true;
    }
    if (verdict == DomainGate.FORBIDDEN) {
      Reports.local(ctx, generation.accessLog(), request, route.domain(), 403, start);
    } else {
      request.response().putHeader("retry-after", Long.toString(verdict));
      Reports.local(ctx, generation.accessLog(), request, route.domain(), 429, start);
    }
    return false;
  }

  /** A trusted proxy in front (a TLS terminator) says the client used HTTPS: no redirect, or it would loop. */
  private static boolean arrivedOverHttps(HttpServerRequest request, Forwarding forwarding) {
    return "https".equalsIgnoreCase(request.headers().get(ForwardedHeaders.XFP))
        && forwarding.forwarded.isTrusted(request.remoteAddress().hostAddress());
  }

  /** The Host header, or HTTP/2's {@code :authority}. */
  private static String authority(HttpServerRequest request) {
    String host = request.headers().get("host");
    if (host == null && request.version() == HttpVersion.HTTP_2) {
      HostAndPort authority = request.authority();
      return authority == null ? null
          : authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
    }
    return host;
  }

  private ResponseDeadlines deadlines(Forwarding forwarding) {
    if (forwarding != deadlinesFor) {
      if (deadlines == null || deadlines.timeoutMillis() != forwarding.responseTimeoutMillis) {
        deadlines = new ResponseDeadlines(vertx, forwarding.responseTimeoutMillis);
      }
      deadlinesFor = forwarding;
    }
    return deadlines;
  }
}
