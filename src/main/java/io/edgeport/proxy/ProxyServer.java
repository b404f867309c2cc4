package io.edgeport.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The listening proxy: one {@link ProxyVerticle} per worker event loop, all on one port. Vert.x
 * shares one listening socket among servers of the same address, so a replacement started on the
 * same address joins the socket, and the old one can drain without the port ever closing.
 */
public final class ProxyServer {
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

  private final Vertx vertx;
  private final String deployment;
  private final ListenerSettings settings;
  private final int portKey;
  private final int port;
  private final List<ProxyVerticle> verticles;
  private Future<Void> closed;

  private ProxyServer(Vertx vertx, String deployment, ListenerSettings settings, int portKey, int port,
      List<ProxyVerticle> verticles) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.settings = settings;
    this.portKey = portKey;
    this.port = port;
    this.verticles = verticles;
  }

  /**
   * @param traffic where every event loop counts its requests
   * @param sharing a running server whose socket to share when the address is the same, or null
   */
  public static Future<ProxyServer> start(Vertx vertx, ListenerSettings settings, int workers,
      Supplier<Generation> generations, Traffic traffic, ProxyServer sharing) {
    UpstreamFailures failures = new UpstreamFailures();
    // For "any free port" (0) a negative port asks Vert.x for one random port shared by every server
    // given the same negative number: each new address takes its own, a replacement reuses it.
    int portKey;
    if (sharing != null && sharing.settings.address().equals(settings.address())) {
      portKey = sharing.portKey;
    } else {
      portKey = settings.address().port() == 0 ? RANDOM_PORT_KEYS.decrementAndGet() : settings.address().port();
    }
    List<ProxyVerticle> verticles = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
          ProxyVerticle v = new ProxyVerticle(settings, portKey, generations, failures, traffic);
          verticles.add(v);
          return v;
        }, new DeploymentOptions().setInstances(Math.max(1, workers)))
        .map(id -> new ProxyServer(vertx, id, settings, portKey, verticles.get(0).actualPort(), List.copyOf(verticles)));
  }

  public ListenerSettings settings() {
    return settings;
  }

  public int port() {
    return port;
  }

  /** Stops accepting and lets requests in flight finish, for at most {@code drain}; idle connections close at once. */
  public synchronized Future<Void> close(Duration drain) {
    if (closed == null) {
      verticles.forEach(v -> v.drainFor(drain));
      closed = vertx.undeploy(deployment);
    }
    return closed;
  }
}
