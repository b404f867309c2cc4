package io.edgeport.proxy;

import io.edgeport.config.LimitsConfig;
import io.edgeport.config.ShutdownConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One event loop's share of the gateway: a listener on the shared port and its own pooled client,
 * so a request and its backend connection live on one thread and never hop between threads.
 */
final class ProxyVerticle extends VerticleBase {
  /** Backend connections per node and event loop; requests beyond wait in the pool's queue. */
  private static final int MAX_CONNECTIONS_PER_NODE = 4096;
  /** Cleartext HTTP/2 connections per node and event loop, each with the node's limit of concurrent streams. */
  private static final int H2C_CONNECTIONS_PER_NODE = 4;
  private static final int MAX_TARGET_BYTES = 8192;
  private static final int MAX_HEADER_BYTES = 1024 * 1024;

  private final ListenerSettings settings;
  private final int port;
  private final Supplier<Generation> generations;
  private final UpstreamFailures failures;
  private final Traffic traffic;
  private final ConnectionLimiter connections;
  private final int loops;
  private HttpServer server;
  private ProxyContext ctx;
  /** Also what Vertx.close() grants requests in flight. */
  private Duration drain = ShutdownConfig.DEFAULTS.drain();

  /**
   * @param connections the listener's open connections (shared by its verticles)
   * @param loops       the event loops serving requests
   */
  ProxyVerticle(ListenerSettings settings, int port, Supplier<Generation> generations, UpstreamFailures failures,
      Traffic traffic, ConnectionLimiter connections, int loops) {
    this.connections = connections;
    this.loops = loops;
    this.traffic = traffic;
    this.settings = settings;
    this.port = port;
    this.generations = generations;
    this.failures = failures;
  }

  @Override
  public Future<?> start() {
    long idleMillis = settings.idle().toMillis();
    HttpClientOptions clientOptions = new HttpClientOptions()
        .setKeepAlive(true)
        .setKeepAliveTimeout((int) Math.max(1, settings.idle().toSeconds()))
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.nodeIdle().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setMaxHeaderSize(32 * 1024)
        .setName("edgeport-upstream");
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_NODE);
    // prior knowledge (no upgrade dance), a few multiplexed connections per node
    HttpClientOptions h2cOptions = new HttpClientOptions(clientOptions).setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setName("edgeport-upstream-h2c");
    PoolOptions h2cPool = new PoolOptions().setHttp2MaxSize(H2C_CONNECTIONS_PER_NODE);
    Traffic.Loop loop = traffic.loop(); // start() runs on this verticle's event loop, as its requests will
    ctx = new ProxyContext(vertx.createHttpClient(clientOptions, pool),
        vertx.createHttpClient(h2cOptions, h2cPool), settings.scheme(), failures, generations, loop, new HashSet<>(),
        new BackendProxyProtocol(),
        vertx, loops);
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(settings.address().bindHost())
        .setPort(port)
        .setIdleTimeout((int) idleMillis)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpNoDelay(true)
        .setReuseAddress(true)
        .setAcceptBacklog(1024)
        .setHandle100ContinueAutomatically(false)
        // Vert.x's default would also answer an h2c upgrade itself; prior knowledge only, when asked for
        .setHttp2ClearTextEnabled(settings.h2c())
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setMaxInitialLineLength(MAX_TARGET_BYTES)
        .setMaxHeaderSize(MAX_HEADER_BYTES); // the configured limit (up to this) is enforced by Http1Guard
    if (settings.tls()) {
      Tls.configure(serverOptions, generations);
    }
    if (settings.proxyProtocol()) {
      // the client's address comes from the header: X-Forwarded-For, allow/deny and rate limits use it
      serverOptions.setUseProxyProtocol(true).setProxyProtocolTimeout(settings.headerTimeout().toMillis())
          .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    server = vertx.createHttpServer(serverOptions)
        .connectionHandler(connection -> {
          Forwarding forwarding = generations.get().forwarding();
          LimitsConfig limits = forwarding == null ? LimitsConfig.DEFAULTS : forwarding.limits;
          String counted = connections.admit(limits.maxConnectionsPerIp() > 0 ? connection.remoteAddress().hostAddress()
              : null, limits.maxConnections(), limits.maxConnectionsPerIp());
          if (counted == null) {
            loop.connectionRefused();
            connection.close();
            return;
          }
          Http1Guard.install(((ConnectionBase) connection).channel().pipeline(), MAX_TARGET_BYTES, limits, loop);
          Http2Guard.install(connection, ((ConnectionBase) connection).channel(), settings.idle());
          loop.connectionOpened();
          connection.closeHandler(v -> {
            connections.release(counted);
            loop.connectionClosed();
          });
        })
        .requestHandler(new ProxyHandler(vertx, ctx));
    return server.listen();
  }

  /** How long {@link #stop} lets requests in flight finish. */
  void drainFor(Duration timeout) {
    this.drain = timeout;
  }

  /**
   * Stop accepting, let requests in flight finish (bounded by the drain time), then close. WebSockets
   * are told to go away (a close frame each side) rather than held until the drain time is up.
   */
  @Override
  public Future<?> stop() {
    List.copyOf(ctx.tunnels()).forEach(Tunnel::goAway);
    return server.shutdown(Math.max(1, drain.toMillis()), TimeUnit.MILLISECONDS);
  }

  int actualPort() {
    return server.actualPort();
  }
}
