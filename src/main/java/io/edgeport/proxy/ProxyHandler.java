package io.edgeport.proxy;

import io.edgeport.routing.Backend;
import io.edgeport.routing.HostNames;
import io.edgeport.routing.RouteTable;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * The request path's entry: one read of the current routing snapshot, a host and path lookup,
 * and either a short local answer or a {@link ProxyExchange}. It never forwards to a host that is
 * not configured, so it is not an open proxy.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {
  private final Supplier<RouteTable> routes;
  private final ProxyContext ctx;

  ProxyHandler(Supplier<RouteTable> routes, ProxyContext ctx) {
    this.routes = routes;
    this.ctx = ctx;
  }

  @Override
  public void handle(HttpServerRequest request) {
    RouteTable table = routes.get();
    if (request.method() == HttpMethod.CONNECT) {
      ErrorReplies.send(request, 405);
      return;
    }
    RequestTarget target = RequestTarget.parse(request.uri(), request.headers().get("host"));
    if (target == null) {
      ErrorReplies.send(request, 400);
      return;
    }
    String host = HostNames.routingKey(target.authority());
    Backend backend = host == null ? null : table.route(host, target.path());
    if (backend == null) {
      ErrorReplies.send(request, 404);
      return;
    }
    if (backend.unavailableReason() != null) {
      ErrorReplies.send(request, 503); // the reason is in the log and status, not in the answer
      return;
    }
    new ProxyExchange(ctx, request, target, backend).start();
  }
}
