package io.edgeport.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/** The gateway's own answers: short, plain text, and naming no internals. */
final class ErrorReplies {
  private ErrorReplies() {}

  static void send(HttpServerRequest request, int status) {
    send(request, status, null);
  }

  /** @param location the Location of a redirect, or null */
  static void send(HttpServerRequest request, int status, String location) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    String body = switch (status) {
      case 400 -> "400 Bad Request\n";
      case 403 -> "403 Forbidden\n";
      case 404 -> "404 Not Found: no route for this host\n";
      case 405 -> "405 Method Not Allowed\n";
      case 408 -> "408 Request Timeout\n";
      case 413 -> "413 Content Too Large\n";
      case 421 -> "421 Misdirected Request: open a connection for this host\n";
      case 429 -> "429 Too Many Requests\n";
      case 301 -> "301 Moved Permanently\n";
      case 302 -> "302 Found\n";
      case 308 -> "308 Permanent Redirect\n";
      case 500 -> "500 Internal Server Error\n";
      case 502 -> "502 Bad Gateway\n";
      case 503 -> "503 Service Unavailable\n";
      case 504 -> "504 Gateway Timeout\n";
      default -> status + "\n";
    };
    response.setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .putHeader("cache-control", "no-store");
    if (location != null) {
      response.putHeader("location", location);
    }
    // A request body we did not read cannot be skipped safely on this connection: close it after replying.
    boolean unreadBody = request.version() != HttpVersion.HTTP_2 && Bodies.declared(request.headers())
        && !request.isEnded();
    if (unreadBody) {
      response.putHeader("connection", "close");
    }
    response.end(Buffer.buffer(body)).onComplete(done -> {
      if (unreadBody) {
        request.connection().close();
      }
    });
  }
}
