package io.edgeport.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulated cluster nodes for the demo: one small HTTP server per node address on the nodePort,
 * each answering with a page that names the node, so balancing is visible with curl.
 */
public final class DemoNodes {
  private final List<HttpServer> servers;

  private DemoNodes(List<HttpServer> servers) {
    this.servers = servers;
  }

  /** The demo's nodes on one machine: {@code node-1}, {@code node-2}, ... on the given addresses. */
  public static Future<DemoNodes> start(Vertx vertx, List<String> addresses, int nodePort) {
    List<Future<HttpServer>> started = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      started.add(serve(vertx, "node-" + (i + 1), addresses.get(i), nodePort));
    }
    return Future.all(started).map(all -> new DemoNodes(all.list()));
  }

  /** One node, for a machine (or container) of its own. */
  public static Future<DemoNodes> startOne(Vertx vertx, String name, String address, int nodePort) {
    return serve(vertx, name, address, nodePort).map(server -> new DemoNodes(List.of(server)));
  }

  private static Future<HttpServer> serve(Vertx vertx, String name, String address, int nodePort) {
    return vertx.createHttpServer()
        .requestHandler(req -> req.response()
            .putHeader("content-type", "text/plain; charset=utf-8")
            .putHeader("x-node", name)
            .end(req.path().equals("/healthz") ? "ok\n"
                : "Hello from " + name + " (" + req.localAddress().hostAddress() + ":" + nodePort + ")\n"
                    + "you asked for " + req.method() + " " + req.uri() + "\n"))
        .listen(nodePort, address)
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "demo node " + name + " cannot listen on " + address + ":" + nodePort + ": " + e.getMessage()
                + (address.startsWith("127.") ? "" : " (is this address on this machine?)"), e)));
  }

  public Future<Void> close() {
    return Future.all(servers.stream().map(HttpServer::close).toList()).mapEmpty();
  }
}
