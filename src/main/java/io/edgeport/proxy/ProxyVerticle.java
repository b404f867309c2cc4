package io.edgeport.proxy;

import io.edgeport.config.LimitsConfig;
import io.edgeport.config.ShutdownConfig;
import io.edgeport.limit.ClientKey;
import io.edgeport.limit.ConnectionLimiter;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  /**
   * The codec's request-line bound stays above the longest line {@link Http1Scanner} lets through (a 32-byte method,
   * the target, the version and two spaces), so that the strict reader alone answers 414, with its limit.
   */
  private static final int MAX_LINE_BYTES = MAX_TARGET_BYTES + 64;
  private static final int MAX_HEADER_BYTES = 1024 * 1024;
  private static final Logger REFUSED = LoggerFactory.getLogger("edgeport.refused");

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
        // HTTP/2 in cleartext (prior knowledge, or an h2c upgrade Vert.x answers) only when asked for
        .setHttp2ClearTextEnabled(settings.h2c())
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setMaxInitialLineLength(MAX_LINE_BYTES)
        .setMaxHeaderSize(MAX_HEADER_BYTES); // the configured limit (up to this) is enforced by Http1Guard
    if (settings.tls()) {
      Tls.configure(serverOptions, generations);
    }
    if (settings.proxyProtocol()) {
      // the client's address comes from the header: X-Forwarded-For, allow/deny and rate limits use it
      serverOptions.setUseProxyProtocol(true).setProxyProtocolTimeout(settings.headerTimeout().toMillis())
          .setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS);
    }
    // every connection as it opens: on an h2c listener Vert.x's connectionHandler comes only after a first request
    server = AcceptingServer.create(vertx, serverOptions, (channel, client) -> {
      Forwarding forwarding = generations.get().forwarding();
      if (settings.proxyProtocol() && !fromProxy(channel, client, forwarding)) {
        loop.connectionRefused();
        channel.close();
        return;
      }
      LimitsConfig limits = forwarding == null ? LimitsConfig.DEFAULTS : forwarding.limits;
      String counted = connections.admit(limits.maxConnectionsPerIp() > 0
          ? ClientKey.text(client.hostAddress(), limits.ipv6Prefix())
          : null, limits.maxConnections(), limits.maxConnectionsPerIp());
      if (counted == null) {
        loop.connectionRefused();
        channel.close();
        return;
      }
      if (!Http1Guard.install(channel.pipeline(), MAX_TARGET_BYTES, limits, loop, HeadBuffer.budget(limits, loops))) {
        Http2Guard.awaitSettings(channel, limits.headerTimeout()); // HTTP/2, or not known yet
      }
      loop.connectionOpened();
      // the channel's close, whatever the connection became: Vert.x drops a connection's closeHandler once
      // it is a WebSocket's socket (toNetSocket), and the handler is a single one others may set
      channel.closeFuture().addListener(closed -> {
        connections.release(counted);
        loop.connectionClosed();
      });
    })
    // an HTTP/2 connection once its SETTINGS are read (TLS by ALPN, or h2c by prior knowledge): its own idle time
    .connectionHandler(connection -> Http2Guard.install(connection, ((ConnectionBase) connection).channel(),
        settings.idle()))
        .requestHandler(new ProxyHandler(vertx, ctx));
    server.exceptionHandler(this::connectionFailed);
    return server.listen();
  }

  /**
   * Is the peer (the balancer, not the client its PROXY header names) in {@code listen.proxyProtocolFrom}? Vert.x reads
   * the header before it hands over the connection, so this runs after it, but before any request is read.
   */
  private static boolean fromProxy(Channel channel, SocketAddress client, Forwarding forwarding) {
    String peer = ((InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
    if (forwarding != null && ForwardedHeaders.isIn(peer, forwarding.proxyProtocolFrom)) {
      return true;
    }
    if (REFUSED.isDebugEnabled()) {
      REFUSED.debug("connection from {} closed: not in listen.proxyProtocolFrom (its PROXY header said {})", peer,
          client.hostAddress());
    }
    return false;
  }

  /**
   * A connection's failure: a reset or a TLS alert ends that connection only (Vert.x just traces them), but an
   * {@link Error} (out of direct memory, say) concerns the process: its exception handler decides.
   */
  private void connectionFailed(Throwable failure) {
    Handler<Throwable> process = vertx.exceptionHandler();
    if (failure instanceof Error && process != null) {
      process.handle(failure);
    }
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
