package io.edgeport.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Which protocol upgrades pass through. Only WebSocket (RFC 6455): an HTTP/1.1 GET with
 * {@code Upgrade: websocket} and {@code Connection: upgrade}. Any other {@code Upgrade} (h2c, TLS)
 * is a hop-by-hop header the node never sees.
 */
final class Upgrades {
  private Upgrades() {}

  static boolean isWebSocket(HttpServerRequest request) {
    MultiMap headers = request.headers();
    if (!headers.contains("upgrade")) {
      return false; // the common case costs one lookup
    }
    return request.version() == HttpVersion.HTTP_1_1 && request.method() == HttpMethod.GET
        && "websocket".equalsIgnoreCase(headers.get("upgrade").trim())
        && HopByHop.namedIn(headers.getAll("connection"), "upgrade");
  }
}
