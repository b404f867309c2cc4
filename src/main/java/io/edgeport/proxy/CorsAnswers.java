package io.edgeport.proxy;

import io.edgeport.routing.CorsPolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/** A rule's CORS filter on the wire: preflights answered at the edge, and the CORS headers of other answers. */
final class CorsAnswers {
  private CorsAnswers() {}

  /** A CORS preflight (Fetch): OPTIONS with an Origin and an Access-Control-Request-Method. */
  static boolean isPreflight(HttpServerRequest request) {
    return request.method() == HttpMethod.OPTIONS && request.headers().contains("origin")
        && request.headers().contains("access-control-request-method");
  }

  /**
   * Answers a preflight: 200, with the filter's permissions when it allows the origin and none otherwise (the browser
   * then refuses the request itself). It never reaches the node.
   */
  static void preflight(HttpServerRequest request, CorsPolicy cors) {
    MultiMap in = request.headers();
    MultiMap out = request.response().headers();
    String origin = in.get("origin");
    vary(cors, out);
    if (cors.echoes()) {
      out.add("vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
    }
    if (cors.allows(origin)) {
      out.set("access-control-allow-origin", cors.allowOrigin(origin));
      if (cors.credentials()) {
        out.set("access-control-allow-credentials", "true");
      }
      out.set("access-control-allow-methods", cors.allowMethods(in.get("access-control-request-method")));
      String headers = cors.allowHeaders(in.get("access-control-request-headers"));
      if (headers != null) {
        out.set("access-control-allow-headers", headers);
      }
      out.set("access-control-max-age", cors.maxAge());
    }
    request.response().setStatusCode(200).putHeader("content-length", "0").end();
  }

  /**
   * The CORS headers of an answer: the filter's for an allowed origin, none for another (the rule's filter owns CORS:
   * what the node said of it is replaced or dropped), and {@code Vary: Origin} on every answer whose CORS headers
   * depend on it, so that a shared cache never serves one origin's answer to another (nor one without an Origin).
   */
  static void decorate(String origin, CorsPolicy cors, MultiMap out) {
    vary(cors, out);
    if (origin == null || !cors.allows(origin)) {
      out.remove("access-control-allow-origin");
      out.remove("access-control-allow-credentials");
      out.remove("access-control-expose-headers");
      return;
    }
    out.set("access-control-allow-origin", cors.allowOrigin(origin));
    if (cors.credentials()) {
      out.set("access-control-allow-credentials", "true");
    }
    String expose = cors.exposeHeaders();
    if (expose != null) {
      out.set("access-control-expose-headers", expose);
    }
  }

  private static void vary(CorsPolicy cors, MultiMap out) {
    if (!cors.sameForEveryOrigin()) {
      out.add("vary", "Origin");
    }
  }
}
