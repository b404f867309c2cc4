package io.edgeport.cli;

import io.edgeport.Edgeport;
import io.edgeport.config.ConfigException;
import io.edgeport.config.ConfigFileWatcher;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.Durations;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Starting the gateway from the CLI and keeping it up until the process is told to stop: the config
 * file is watched and SIGHUP reloads it; SIGTERM and SIGINT drain and exit 0 (a second one stops at
 * once).
 */
final class Serving {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport");
  /** A SIGHUP came before {@link #serveUntilStopped} took the signal over. */
  private static final AtomicBoolean EARLY_SIGHUP = new AtomicBoolean();

  private Serving() {}

  /**
   * From the process's first moment, a SIGHUP is a reload to do once serving (the JVM's own action for it ends the
   * process, and systemd counts a Type=exec service as started at once: a reload right after a start would stop it).
   */
  static void holdSighup() {
    handle("HUP", s -> EARLY_SIGHUP.set(true));
  }

  /**
   * The one Vertx of the process, on the transport {@link Transports} picks.
   *
   * @throws IllegalStateException when EDGEPORT_TRANSPORT asks for one that is unavailable or unknown
   */
  static Vertx createVertx(int workers) {
    Transport transport = Transports.choose(System.getenv(Transports.VARIABLE));
    LOG.info("network transport: {}", transport.name());
    return Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(Math.max(workers, 1)))
        .withTransport(transport).build();
  }

  /**
   * @param file          the config file to follow (reload on change and SIGHUP), or null (the demo)
   * @param overrides     the command line's overrides, applied to every config read
   * @param beforeGateway started first on the same Vertx (the demo's nodes), or null
   * @param extensions    what follows the config beside the proxy (the admin listener)
   * @return the exit code
   */
  static int serveUntilStopped(EdgeportConfig config, Path file, UnaryOperator<EdgeportConfig> overrides, int workers,
      PrintWriter err, Function<Vertx, Future<?>> beforeGateway, Function<Vertx, Edgeport.Extension[]> extensions) {
    // A SIGHUP during the start (or held since the process began) reloads once the gateway is up.
    CompletableFuture<Edgeport> serving = new CompletableFuture<>();
    SignalHandler onSighup = s -> {
      if (file == null) {
        LOG.info("SIGHUP: the demo has no config file to reload");
      } else {
        serving.thenAccept(g -> reload(g, file, overrides, "SIGHUP"));
      }
    };
    boolean sighup = handle("HUP", onSighup);
    if (EARLY_SIGHUP.getAndSet(false)) {
      onSighup.handle(new Signal("HUP"));
    }
    if (!sighup && file != null) {
      LOG.warn("SIGHUP is ignored in this process, as the one that started it asked (nohup does): it cannot reload"
          + " {} (edits to it still do); start it without nohup, or with bin/edgeport, which restores SIGHUP", file);
    }
    Vertx vertx;
    try {
      vertx = createVertx(workers);
    } catch (IllegalStateException e) {
      err.println("edgeport: cannot start: " + e.getMessage());
      err.flush();
      return 1;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    FatalErrors.install(vertx, stopping::get);
    Future<?> ready = beforeGateway == null ? Future.succeededFuture() : beforeGateway.apply(vertx);
    Future<Edgeport> started = ready.compose(v -> Edgeport.start(vertx, config, workers, extensions.apply(vertx)));
    // Watch from before the start: an edit made while starting is applied right after.
    ConfigFileWatcher watcher = null;
    if (file != null) {
      try {
        watcher = ConfigFileWatcher.start(file, () -> started.onSuccess(g -> reload(g, file, overrides, "file change")));
      } catch (IOException e) {
        LOG.warn("cannot watch {} for changes ({}){}", file, e.getMessage(), sighup ? "; reload with SIGHUP" : "");
      }
    }
    Edgeport edgeport;
    try {
      edgeport = started.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = started.cause() != null ? started.cause() : e;
      err.println("edgeport: cannot start: " + explain(cause, config));
      err.flush();
      closeQuietly(watcher);
      stopping.set(true);
      vertx.close();
      return 1;
    }
    serving.complete(edgeport); // a SIGHUP from the start reloads now, on this thread
    if (watcher != null) {
      LOG.info("watching {} for changes{}", file, sighup ? " (SIGHUP reloads it too)" : "");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    SignalHandler stop = s -> {
      if (!stopping.compareAndSet(false, true)) {
        LOG.warn("SIG{} again: stopping now", s.getName());
        Runtime.getRuntime().halt(1);
      }
      LOG.info("SIG{}: stopping gracefully", s.getName());
      Duration bound = edgeport.stopBound();
      Thread watchdog = new Thread(() -> {
        try {
          if (!stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("the stop did not finish within {}: exiting anyway", Durations.format(bound));
            Runtime.getRuntime().halt(0); // the drain is over: what is left is a close that hangs
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "edgeport-stop-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      edgeport.drain().transform(v -> edgeport.close()).transform(v -> vertx.close())
          .onComplete(v -> stopped.countDown());
    };
    Signal.handle(new Signal("TERM"), stop);
    Signal.handle(new Signal("INT"), stop);
    try {
      stopped.await(); // until a signal starts the stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(watcher);
    LOG.info("edgeport stopped");
    return 0;
  }

  /**
   * Handles signal {@code name} with {@code handler}; false when the process was started with the signal ignored
   * (nohup does that to SIGHUP): the JVM then keeps it ignored.
   */
  private static boolean handle(String name, SignalHandler handler) {
    return Signal.handle(new Signal(name), handler) != SignalHandler.SIG_IGN;
  }

  private static void closeQuietly(ConfigFileWatcher watcher) {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // exiting anyway
      }
    }
  }

  /** Reads the file again: a valid config is applied as a whole, an invalid one is logged and changes nothing. */
  private static void reload(Edgeport edgeport, Path file, UnaryOperator<EdgeportConfig> overrides, String why) {
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.load(file);
      loaded.warnings().forEach(w -> LOG.warn(w.format(file.toString())));
      edgeport.reload(overrides.apply(loaded.config()), why);
    } catch (ConfigException e) {
      e.problems().stream().filter(Problem::isError).forEach(p -> LOG.error(p.format(file.toString())));
      LOG.error("config reload ({}) refused: {} error(s); the previous config keeps serving", why,
          e.problems().stream().filter(Problem::isError).count());
      edgeport.reloadRefused(why, e.getMessage());
    }
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
