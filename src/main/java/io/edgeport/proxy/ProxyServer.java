package io.edgeport.proxy;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.routing.RouteTable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The listening proxy: one {@link ProxyVerticle} per worker event loop, all on one port. */
public final class ProxyServer {
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

  private final Vertx vertx;
  private final String deployment;
  private final int port;

  private ProxyServer(Vertx vertx, String deployment, int port) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.port = port;
  }

  public static Future<ProxyServer> start(Vertx vertx, EdgeportConfig config, int workers,
      Supplier<RouteTable> routes) {
    UpstreamFailures failures = new UpstreamFailures();
    // Vert.x shares one listener among the instances. For "any free port" (0) a negative port asks
    // Vert.x for one random port shared by every server given the same negative number, so each
    // ProxyServer takes its own.
    int port = config.listen().port() == 0 ? RANDOM_PORT_KEYS.decrementAndGet() : config.listen().port();
    ProxyVerticle[] any = new ProxyVerticle[1];
    return vertx.deployVerticle(() -> any[0] = new ProxyVerticle(config, port, routes, failures),
            new DeploymentOptions().setInstances(Math.max(1, workers)))
        .map(id -> new ProxyServer(vertx, id, any[0].actualPort()));
  }

  public int port() {
    return port;
  }

  public Future<Void> close() {
    return vertx.undeploy(deployment);
  }
}
