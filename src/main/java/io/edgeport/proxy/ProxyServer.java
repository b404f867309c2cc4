package io.edgeport.proxy;

import io.edgeport.limit.ConnectionLimiter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The listening proxy: one {@link ProxyVerticle} per worker event loop, all sharing one listening socket. */
public final class ProxyServer {
  /** Before any TLS is used in the process (see {@link Tls#refuseClientRenegotiation}). */
  public static void refuseClientRenegotiation() {
    Tls.refuseClientRenegotiation();
  }

  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

  private final Vertx vertx;
  private final String deployment;
  private final ListenerSettings settings;
  private final int port;
  private final List<ProxyVerticle> verticles;
  private Future<Void> closed;

  private ProxyServer(Vertx vertx, String deployment, ListenerSettings settings, int port,
      List<ProxyVerticle> verticles) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.settings = settings;
    this.port = port;
    this.verticles = verticles;
  }

  /** @param traffic where every event loop counts its requests */
  public static Future<ProxyServer> start(Vertx vertx, ListenerSettings settings, int workers,
      Supplier<Generation> generations, Traffic traffic) {
    UpstreamFailures failures = new UpstreamFailures();
    ConnectionLimiter connections = new ConnectionLimiter();
    // For "any free port" (0) a negative port asks Vert.x for one random port shared by every server
    // given the same negative number, so each ProxyServer takes its own.
    int portKey = settings.address().port() == 0 ? RANDOM_PORT_KEYS.decrementAndGet() : settings.address().port();
    List<ProxyVerticle> verticles = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
          ProxyVerticle v = new ProxyVerticle(settings, portKey, generations, failures, traffic, connections,
              Math.max(1, workers));
          verticles.add(v);
          return v;
        }, new DeploymentOptions().setInstances(Math.max(1, workers)))
        .map(id -> new ProxyServer(vertx, id, settings, verticles.get(0).actualPort(), List.copyOf(verticles)));
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
