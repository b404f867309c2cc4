package io.edgeport.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;

/**
 * A cluster node as its own process, so that tests can kill it for real (SIGKILL resets its
 * connections, as a crashed node's kernel would). Args: address, port, name, mode:
 * <ul>
 *   <li>{@code serve}: answers every request with JSON {node, method, uri, bodyBytes, bodySha256, requestId};</li>
 *   <li>{@code hold}: reads the request whole and never answers it;</li>
 *   <li>{@code reset}: closes the connection as soon as a request arrives;</li>
 *   <li>{@code unavailable}: answers 503 to every request.</li>
 * </ul>
 * In every mode a WebSocket is echoed (it prints {@code websocket} when one opens).
 * It prints {@code ready} once listening, {@code request METHOD URI} when a request arrives and
 * {@code held METHOD URI X-REQUEST-ID} once it holds one, so tests can count and wait on what it saw.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) {
    String address = args[0];
    int port = Integer.parseInt(args[1]);
    String name = args[2];
    String mode = args[3];
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer().webSocketHandler(ws -> {
      say("websocket");
      ws.handler(ws::write);
    }).requestHandler(req -> {
      say("request " + req.method() + " " + req.uri());
      if (mode.equals("reset")) {
        req.connection().close();
        return;
      }
      MessageDigest sha = RawHttp.sha256();
      long[] bytes = {0};
      req.handler(b -> {
        bytes[0] += b.length();
        sha.update(b.getBytes());
      });
      req.endHandler(v -> {
        if (mode.equals("unavailable")) {
          req.response().setStatusCode(503).end("busy");
          return;
        }
        if (mode.equals("hold")) {
          say("held " + req.method() + " " + req.uri() + " " + req.headers().get("x-request-id"));
          return;
        }
        req.response().putHeader("content-type", "application/json").end(new JsonObject().put("node", name)
            .put("method", req.method().name()).put("uri", req.uri()).put("bodyBytes", bytes[0])
            .put("requestId", req.headers().get("x-request-id"))
            .put("bodySha256", RawHttp.hex(sha.digest())).encode());
      });
    }).listen(port, address).onComplete(ar -> {
      if (ar.succeeded()) {
        say("ready");
      } else {
        say("cannot listen: " + ar.cause());
        System.exit(1);
      }
    });
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
