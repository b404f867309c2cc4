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

  public static Future<DemoNodes> start(Vertx vertx, List<String> addresses, int nodePort) {
    List<Future<HttpServer>> started = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      String address = addresses.get(i);
      String name = "node-" + (i + 1);
      String page = "Hello from " + name + " (" + address + ":" + nodePort + ")\n";
      started.add(vertx.createHttpServer()
          .requestHandler(req -> req.response()
              .putHeader("content-type", "text/plain; charset=utf-8")
              .putHeader("x-node", name)
              .end(req.path().equals("/healthz") ? "ok\n" : page + "you asked for " + req.method() + " " + req.uri() + "\n"))
          .listen(nodePort, address)
          .recover(e -> Future.failedFuture(new IllegalStateException(
              "demo node " + name + " cannot listen on " + address + ":" + nodePort + ": " + e.getMessage()
                  + (address.startsWith("127.") ? "" : " (is this address on this machine?)"), e))));
    }
    return Future.all(started).map(all -> new DemoNodes(all.list()));
  }

  public Future<Void> close() {
    return Future.all(servers.stream().map(HttpServer::close).toList()).mapEmpty();
  }
}
