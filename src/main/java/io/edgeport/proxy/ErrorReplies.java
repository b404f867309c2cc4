package io.edgeport.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * The gateway's own answers: short, plain text, and naming no internals. A gRPC call gets them as gRPC does: HTTP 200,
 * {@code content-type: application/grpc} and the status in {@code grpc-status} (a trailers-only response), mapped from
 * the HTTP status as gRPC maps an HTTP status it receives (its HTTP-to-gRPC table, and Envoy's for local replies).
 */
final class ErrorReplies {
  /** gRPC status codes edgeport answers with. */
  static final int GRPC_UNKNOWN = 2;
  static final int GRPC_DEADLINE_EXCEEDED = 4;
  static final int GRPC_PERMISSION_DENIED = 7;
  static final int GRPC_RESOURCE_EXHAUSTED = 8;
  static final int GRPC_UNIMPLEMENTED = 12;
  static final int GRPC_INTERNAL = 13;
  static final int GRPC_UNAVAILABLE = 14;

  private ErrorReplies() {}

  /**
   * A gRPC call: an HTTP/2 POST of {@code content-type: application/grpc} (or {@code application/grpc+proto} and the
   * like). The type alone does not make one: over HTTP/1.1, or for a GET, a gRPC-shaped 200 would be an error a cache
   * could keep as a success.
   */
  static boolean isGrpc(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2 || request.method() != io.vertx.core.http.HttpMethod.POST) {
      return false;
    }
    String type = request.headers().get("content-type");
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
        && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
  }

  /** The gRPC code a client would read from this HTTP status. */
  static int grpcCode(int status) {
    return switch (status) {
      case 400 -> GRPC_INTERNAL;
      case 403 -> GRPC_PERMISSION_DENIED;
      case 404 -> GRPC_UNIMPLEMENTED;
      case 408 -> GRPC_DEADLINE_EXCEEDED;
      case 413 -> GRPC_RESOURCE_EXHAUSTED;
      case 429, 502, 503, 504 -> GRPC_UNAVAILABLE;
      default -> GRPC_UNKNOWN;
    };
  }

  /** A trailers-only gRPC answer of the gateway's own, with {@code message} (plain ASCII, no '%'). */
  static void sendGrpc(HttpServerRequest request, int code, String message) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(200).putHeader("content-type", "application/grpc").putHeader("cache-control", "no-store")
        .putHeader("grpc-status", Integer.toString(code)).putHeader("grpc-message", message).end();
  }

  static void send(HttpServerRequest request, int status) {
    send(request, status, null);
  }

  /** @param location the Location of a redirect, or null */
  static void send(HttpServerRequest request, int status, String location) {
    HttpServerResponse response = request.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    if (location == null && isGrpc(request)) {
      sendGrpc(request, grpcCode(status), "edgeport: " + status + " " + reason(status));
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

  private static String reason(int status) {
    try {
      return io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
