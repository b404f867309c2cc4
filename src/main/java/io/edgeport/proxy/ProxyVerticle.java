package io.edgeport.proxy;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.routing.RouteTable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One event loop's share of the gateway: a listener on the shared port and its own pooled client,
 * so a request and its backend connection live on one thread and never hop between threads.
 */
public final class ProxyVerticle extends VerticleBase {
  /** How long a stopping gateway lets requests in flight finish before it closes their connections. */
  private static final long SHUTDOWN_GRACE_SECONDS = 30;
  /** Backend connections per node and event loop; requests beyond wait in the pool's queue. */
  private static final int MAX_CONNECTIONS_PER_NODE = 4096;

  private final EdgeportConfig config;
  private final int port;
  private final Supplier<RouteTable> routes;
  private final UpstreamFailures failures;
  private HttpServer server;

  ProxyVerticle(EdgeportConfig config, int port, Supplier<RouteTable> routes, UpstreamFailures failures) {
    this.config = config;
    this.port = port;
    this.routes = routes;
    this.failures = failures;
  }

  @Override
  public Future<?> start() {
    long idleMillis = config.timeouts().idle().toMillis();
    long responseMillis = config.timeouts().response().toMillis();
    HttpClientOptions clientOptions = new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeouts().connect().toMillis()))
        .setKeepAlive(true)
        .setKeepAliveTimeout((int) Math.max(1, config.timeouts().idle().toSeconds()))
        // A node connection silent for longer than both timeouts is dead, also in the middle of a body.
        // (A per-request idle timer would cost a scheduled task per request.)
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(idleMillis, responseMillis)))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setMaxHeaderSize(32 * 1024)
        .setName("edgeport-upstream");
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_NODE);
    ProxyContext ctx = new ProxyContext(vertx.createHttpClient(clientOptions, pool), "http",
        new ForwardedHeaders(config.trustedProxies()), config.timeouts().connect().toNanos(),
        new ResponseDeadlines(vertx, responseMillis), failures);
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(config.listen().bindHost())
        .setPort(port)
        .setIdleTimeout((int) idleMillis)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpNoDelay(true)
        .setReuseAddress(true)
        .setAcceptBacklog(1024)
        .setHandle100ContinueAutomatically(false)
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(32 * 1024);
    server = vertx.createHttpServer(serverOptions).requestHandler(new ProxyHandler(routes, ctx));
    return server.listen();
  }

  /** Stop accepting, let requests in flight finish (bounded), then close: a stop loses no request. */
  @Override
  public Future<?> stop() {
    return server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }

  int actualPort() {
    return server.actualPort();
  }
}
