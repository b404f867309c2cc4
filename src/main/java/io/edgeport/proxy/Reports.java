package io.edgeport.proxy;

import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/** The end of every request, answered by a node or by the gateway itself: counted, and logged when the access log is on. */
final class Reports {
  private static final double NANOS_PER_MILLI = TimeUnit.MILLISECONDS.toNanos(1);

  private Reports() {}

  /**
   * @param domain         the configured domain, or "" when no route matched
   * @param node           the node that served it, or "" for the gateway's own answers
   * @param forwardedNanos System.nanoTime() when it was forwarded to the node, or 0
   */
  static void report(ProxyContext ctx, AccessLog log, HttpServerRequest request, String domain, String node,
      int status, long startNanos, long forwardedNanos, String requestId) {
    long now = System.nanoTime();
    long bytesIn = request.bytesRead();
    long bytesOut = request.response().bytesWritten();
    ctx.traffic().request(domain, node, status, now - startNanos, bytesIn, bytesOut);
    if (log != null) {
      log.offer(new AccessLog.Entry(System.currentTimeMillis(), request.remoteAddress().hostAddress(),
          request.method().name(), request.uri(), protocol(request), status, bytesIn, bytesOut,
          request.headers().get("referer"), request.headers().get("user-agent"), domain, node,
          (now - startNanos) / NANOS_PER_MILLI, forwardedNanos == 0 ? -1 : (now - forwardedNanos) / NANOS_PER_MILLI,
          requestId != null ? requestId : request.headers().get("x-request-id")));
    }
  }

  private static String protocol(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2.0";
    };
  }

  /** A redirect ({@code status} 3xx) to {@code location}, sent now. */
  static void redirect(ProxyContext ctx, AccessLog log, HttpServerRequest request, String domain, int status,
      String location, long startNanos) {
    ErrorReplies.send(request, status, location);
    report(ctx, log, request, domain, "", status, startNanos, 0, null);
  }

  /** A 200 of the gateway's own with a short plain-text body (an ACME HTTP-01 answer), sent now. */
  static void text(ProxyContext ctx, AccessLog log, HttpServerRequest request, String body, long startNanos) {
    request.response().putHeader("content-type", "text/plain").end(body);
    report(ctx, log, request, "", "", 200, startNanos, 0, null);
  }

  /** An answer of the gateway's own (400, 404, 405, 503, ...), sent now. */
  static void local(ProxyContext ctx, AccessLog log, HttpServerRequest request, String domain, int status,
      long startNanos) {
    ErrorReplies.send(request, status);
    report(ctx, log, request, domain, "", status, startNanos, 0, null);
  }
}
