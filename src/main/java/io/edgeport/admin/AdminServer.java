package io.edgeport.admin;

import io.edgeport.Edgeport;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.ListenAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener ({@code admin: "127.0.0.1:9901"}): Prometheus metrics, the status API, the
 * live dashboard (plain HTML/CSS/JS from the jar, no CDN: edge hosts may have no internet), and the
 * liveness and readiness probes. It follows the config: a reload that moves it binds the new
 * address before closing the old one, and a bind failure refuses the reload.
 */
public final class AdminServer implements Edgeport.Extension {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.admin");
  private static final String[][] ASSETS = {
      {"/", "index.html", "text/html; charset=utf-8"},
      {"/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"},
      {"/dashboard.css", "dashboard.css", "text/css; charset=utf-8"}};

  private final Vertx vertx;
  private final String version;
  private final Instant startedAt = Instant.now();
  private volatile Edgeport edgeport;
  private Metrics metrics;
  private Rates rates;
  private long sampler = -1;
  private Router router;
  private HttpServer server;
  private ListenAddress address;

  /** @param version shown in status, like {@code edgeport 0.1.0} */
  public AdminServer(Vertx vertx, String version) {
    this.vertx = vertx;
    this.version = version;
  }

  @Override
  public Future<Void> configure(Edgeport edgeport, EdgeportConfig next) {
    this.edgeport = edgeport;
    ListenAddress wanted = next.admin();
    if (Objects.equals(wanted, address)) {
      return Future.succeededFuture();
    }
    if (wanted == null) {
      HttpServer old = server;
      server = null;
      address = null;
      stopSampling();
      LOG.info("admin listener closed");
      return old == null ? Future.succeededFuture() : old.close();
    }
    if (router == null) {
      metrics = new Metrics(() -> this.edgeport);
      rates = new Rates(() -> this.edgeport.traffic().totals());
      router = router();
    }
    return vertx.createHttpServer(new HttpServerOptions().setHost(wanted.bindHost()).setPort(wanted.port()))
        .requestHandler(router)
        .listen()
        .recover(e -> Future.failedFuture(new IllegalStateException("admin: cannot listen on " + wanted + ": "
            + e.getMessage() + "; choose another address with 'admin:' in the config or --admin HOST:PORT", e)))
        .compose(started -> {
          HttpServer old = server;
          server = started;
          address = wanted;
          if (sampler < 0) {
            rates.sample(System.nanoTime());
            sampler = vertx.setPeriodic(1000, id -> rates.sample(System.nanoTime()));
          }
          LOG.info("admin: dashboard, /metrics and /api/status on http://{}:{}/", wanted.bindHost(), started.actualPort());
          return old == null ? Future.succeededFuture() : old.close();
        });
  }

  /** The port it listens on, or -1 when off. */
  public int port() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  private Router router() {
    Router r = Router.router(vertx);
    r.get("/healthz").handler(ctx -> plain(ctx, 200, "ok\n"));
    r.get("/ready").handler(this::ready);
    r.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .end(metrics.scrape()));
    r.get("/api/status").handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(StatusReport.of(edgeport, rates.perSecond(), startedAt, version).encodePrettily()));
    for (String[] asset : ASSETS) {
      Buffer body = resource(asset[1]);
      r.get(asset[0]).handler(ctx -> ctx.response().putHeader("content-type", asset[2])
          .putHeader("cache-control", "no-cache").end(body));
    }
    return r;
  }

  /** 200 when config, listener, first health round and discovery are done; 503 before, and while draining. */
  private void ready(RoutingContext ctx) {
    Edgeport g = edgeport;
    if (g != null && g.ready()) {
      plain(ctx, 200, "ready\n");
    } else {
      plain(ctx, 503, g != null && g.generation().draining() ? "draining\n" : "starting\n");
    }
  }

  private static void plain(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8")
        .putHeader("cache-control", "no-store").end(body);
  }

  private static Buffer resource(String name) {
    try (InputStream in = AdminServer.class.getResourceAsStream("/admin/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks admin/" + name);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stopSampling() {
    if (sampler >= 0) {
      vertx.cancelTimer(sampler);
      sampler = -1;
    }
  }

  @Override
  public Future<Void> close() {
    stopSampling();
    HttpServer s = server;
    server = null;
    return s == null ? Future.succeededFuture() : s.close();
  }
}
