package io.edgeport;

import io.edgeport.cluster.ClusterSnapshot;
import io.edgeport.cluster.StaticCluster;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.proxy.ProxyServer;
import io.edgeport.routing.RouteTable;
import io.edgeport.routing.RouteTableBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edgeport: the cluster source feeds a routing snapshot that the proxy reads with one
 * atomic load per request. Data flows one way: source → snapshot → request path.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final AtomicReference<RouteTable> routes;
  private final ProxyServer proxy;

  private Gateway(AtomicReference<RouteTable> routes, ProxyServer proxy) {
    this.routes = routes;
    this.proxy = proxy;
  }

  /**
   * Starts listening.
   *
   * @param workers event loops that serve requests (each with its own listener and connection pool)
   */
  public static Future<Gateway> start(Vertx vertx, EdgeportConfig config, int workers) {
    ClusterSnapshot cluster = StaticCluster.from(config);
    AtomicReference<RouteTable> routes = new AtomicReference<>(RouteTableBuilder.build(config.domains(), cluster));
    return ProxyServer.start(vertx, config, workers, routes::get).map(proxy -> {
      LOG.info("edgeport listening on http://{}:{} for {} domain(s) on {} node(s) ({} worker(s))",
          config.listen().bindHost(), proxy.port(), config.domains().size(), cluster.nodes().size(), workers);
      return new Gateway(routes, proxy);
    });
  }

  /** The port it listens on (the actual one when the config asked for port 0). */
  public int port() {
    return proxy.port();
  }

  /** Replaces the routing snapshot; requests in flight finish on the one they started with. */
  public void publish(RouteTable table) {
    routes.set(table);
  }

  public Future<Void> close() {
    return proxy.close();
  }
}
