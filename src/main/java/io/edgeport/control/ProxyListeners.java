package io.edgeport.control;

import io.edgeport.config.Durations;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.ShutdownConfig;
import io.edgeport.proxy.Generation;
import io.edgeport.proxy.ListenerSettings;
import io.edgeport.proxy.ProxyServer;
import io.edgeport.proxy.Traffic;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener and the HTTPS one (when the config has it). A reload prepares the pair it needs (binding only
 * what moves) and commits it once nothing else can fail; a listener replaced drains. Used on the control context.
 */
public final class ProxyListeners {
  /** The root's logger: the control plane's lines read as one ({@code Edgeport - …}). */
  private static final Logger LOG = LoggerFactory.getLogger("io.edgeport.Edgeport");

  private final Vertx vertx;
  private final int workers;
  private final Supplier<Generation> generations;
  private final Traffic traffic;
  private volatile ProxyServer http;
  private volatile ProxyServer https;

  /** The pair a config needs; {@code https} null without an HTTPS listener. */
  public record Pair(ProxyServer http, ProxyServer https) {
    /** Before the first listeners are bound. */
    public static final Pair NONE = new Pair(null, null);

    /** The HTTPS port bound, or 0 without one. */
    public int httpsPort() {
      return https == null ? 0 : https.port();
    }
  }

  /**
   * @param workers     event loops that serve requests (each with its own listener and connection pool)
   * @param generations what each request is served with: read once per request
   */
  public ProxyListeners(Vertx vertx, int workers, Supplier<Generation> generations, Traffic traffic) {
    this.vertx = vertx;
    this.workers = workers;
    this.generations = generations;
    this.traffic = traffic;
  }

  /**
   * The listeners a reload needs: the current one when its address stays (Vert.x's shutdown of a replaced listener
   * could close a connection it accepted a moment before, whose request it had not read yet: a reload must not cost
   * that request), a new one bound for a new address, or none. When one cannot be bound, the other one bound for
   * it is closed again and nothing changes. At the start, none: {@link #bind} binds once the first generation is in.
   */
  public Future<Pair> prepare(EdgeportConfig next) {
    if (http == null) {
      return Future.succeededFuture(Pair.NONE);
    }
    Future<ProxyServer> nextHttp = prepare(http, ListenerSettings.http(next));
    Future<ProxyServer> nextHttps = prepare(https, ListenerSettings.https(next));
    return Future.join(nextHttp, nextHttps).transform(ar -> ar.succeeded()
        ? Future.succeededFuture(new Pair(nextHttp.result(), nextHttps.result()))
        : closeUnused(nextHttp, http).transform(v -> closeUnused(nextHttps, https))
            .transform(v -> Future.failedFuture(ar.cause())));
  }

  private Future<ProxyServer> prepare(ProxyServer current, ListenerSettings wanted) {
    if (wanted == null) {
      return Future.succeededFuture(null);
    }
    if (current != null && current.settings().address().equals(wanted.address())) {
      if (!current.settings().equals(wanted)) {
        LOG.warn("{} listener: timeouts.idle ({}), listen.h2c or listen.proxyProtocol changed: that applies once the"
            + " listener moves to another address or at the next restart; it keeps its sockets", wanted.scheme(),
            Durations.format(wanted.idle()));
      }
      return Future.succeededFuture(current);
    }
    return ProxyServer.start(vertx, wanted, workers, generations, traffic);
  }

  /** Closes what {@link #prepare} bound for a config that was refused after all. */
  public Future<Void> abandon(Pair prepared) {
    return closeUnused(Future.succeededFuture(prepared.http()), http)
        .transform(v -> closeUnused(Future.succeededFuture(prepared.https()), https));
  }

  private static Future<Void> closeUnused(Future<ProxyServer> prepared, ProxyServer current) {
    ProxyServer p = prepared.succeeded() ? prepared.result() : null;
    return p != null && p != current ? p.close(Duration.ZERO) : Future.succeededFuture();
  }

  /** Serves with {@code next}: a listener it replaces drains for up to {@code drain}. */
  public void commit(Pair next, Duration drain) {
    http = swap(http, next.http(), drain);
    https = swap(https, next.https(), drain);
  }

  private static ProxyServer swap(ProxyServer old, ProxyServer next, Duration drain) {
    if (old != null && old != next) {
      LOG.info("{} listener {} {}; the old one drains", old.settings().scheme(),
          next == null ? "at " + old.settings().address() + " closed" : "moved from " + old.settings().address(),
          next == null ? "" : "to " + next.settings().address());
      old.close(drain);
    }
    return next;
  }

  /** The first listeners, bound once the first generation is in; the start fails when one cannot be bound. */
  public Future<Pair> bind(EdgeportConfig config) {
    ListenerSettings wanted = ListenerSettings.https(config);
    return ProxyServer.start(vertx, ListenerSettings.http(config), workers, generations, traffic).compose(h -> {
      http = h;
      return wanted == null ? Future.succeededFuture()
          : ProxyServer.start(vertx, wanted, workers, generations, traffic).map(s -> https = s);
    }).map(v -> current());
  }

  /** Where the listeners listen, for the log: {@code http://HOST:PORT and https://HOST:PORT}. */
  public String describe(EdgeportConfig config) {
    ProxyServer s = https;
    return "http://" + config.listen().http().bindHost() + ":" + port()
        + (s == null ? "" : " and https://" + config.listen().https().bindHost() + ":" + s.port());
  }

  /** The listeners serving now. */
  public Pair current() {
    return new Pair(http, https);
  }

  /** The port the HTTP listener listens on (the actual one when the config asked for port 0); -1 before. */
  public int port() {
    ProxyServer s = http;
    return s == null ? -1 : s.port();
  }

  /** The HTTPS port that redirects name: the bound one, or (before it is bound) the config's; 0 without one. */
  public int redirectPort(EdgeportConfig config) {
    ProxyServer s = https;
    return s != null ? s.port() : config.listen().https() != null ? config.listen().https().port() : 0;
  }

  /**
   * Graceful stop: for {@code shutdown.keepAccepting} new connections are still served (while whatever routes here
   * moves traffic away), then the listeners stop accepting and requests in flight finish within
   * {@code shutdown.drain}. Called on the control context, whose timer it waits on.
   */
  public Future<Void> drain(ShutdownConfig shutdown) {
    if (shutdown.keepAccepting().isZero()) {
      return closeDraining(shutdown.drain());
    }
    LOG.info("draining: /ready answers 503; still accepting for {} ms so that traffic moves away",
        shutdown.keepAccepting().toMillis());
    return vertx.timer(shutdown.keepAccepting().toMillis(), TimeUnit.MILLISECONDS)
        .compose(v -> closeDraining(shutdown.drain()));
  }

  private Future<Void> closeDraining(Duration drain) {
    LOG.info("draining: no new connections; requests in flight have up to {} s to finish", drain.toSeconds());
    long started = System.nanoTime();
    return close(drain).onComplete(ar -> LOG.info("drained in {} ms",
        Duration.ofNanos(System.nanoTime() - started).toMillis()));
  }

  /** Stops accepting; requests in flight have up to {@code drain} to finish. */
  public Future<Void> close(Duration drain) {
    ProxyServer h = http;
    ProxyServer s = https;
    return Future.join(h == null ? Future.succeededFuture() : h.close(drain),
        s == null ? Future.succeededFuture() : s.close(drain)).mapEmpty();
  }
}
