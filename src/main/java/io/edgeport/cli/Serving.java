package io.edgeport.cli;

import io.edgeport.Gateway;
import io.edgeport.config.EdgeportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Starting the gateway from the CLI and keeping it up until the process is told to stop. */
final class Serving {
  private Serving() {}

  /** The one Vertx of the process; native epoll when the platform has it. */
  static Vertx createVertx(int workers) {
    return Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(Math.max(workers, 1)))
        .build();
  }

  /**
   * @param beforeGateway started first on the same Vertx (the demo's nodes), or null
   * @return the exit code
   */
  static int serveUntilStopped(EdgeportConfig config, int workers, PrintWriter err,
      Function<Vertx, Future<?>> beforeGateway) {
    Vertx vertx = createVertx(workers);
    Future<?> ready = beforeGateway == null ? Future.succeededFuture() : beforeGateway.apply(vertx);
    Future<Gateway> started = ready.compose(v -> Gateway.start(vertx, config, workers));
    try {
      started.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = started.cause() != null ? started.cause() : e;
      err.println("edgeport: cannot start: " + explain(cause, config));
      err.flush();
      vertx.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      stopped.countDown();
    }, "edgeport-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Bind failures are the common ones at start; say what to do about them. */
  static String explain(Throwable cause, EdgeportConfig config) {
    if (cause instanceof IllegalStateException) {
      return cause.getMessage(); // already says what and where
    }
    String msg = String.valueOf(cause.getMessage());
    boolean bind = cause instanceof BindException || msg.contains("bind(") || msg.contains("Address already in use")
        || msg.contains("Permission denied");
    if (!bind) {
      return cause.toString();
    }
    String where = config.listen().toString();
    if (msg.contains("Permission denied") || msg.contains("EACCES")) {
      return "cannot listen on " + where + ": permission denied (ports below 1024 need root or"
          + " CAP_NET_BIND_SERVICE); run with --port 8080, or grant it:"
          + " sudo setcap cap_net_bind_service=+ep \"$(readlink -f \"$(command -v java)\")\"";
    }
    if (msg.contains("in use")) {
      return "cannot listen on " + where + ": the address is already in use by another program; choose another"
          + " with --port 8080";
    }
    return "cannot listen on " + where + ": " + msg + "; try another port with --port 8080";
  }
}
