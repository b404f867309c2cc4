package io.edgeport.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process, as {@code -XX:+ExitOnOutOfMemoryError} ends it for the heap, where that option does not reach:
 * an {@link OutOfMemoryError} thrown by Java code (direct memory: {@code java.nio.Bits} and Netty throw it when
 * {@code -XX:MaxDirectMemorySize} is used up), and an event loop that stops while serving (on io_uring such an error
 * escapes the loop and ends it). Limping on serves nothing: the connections of a dead loop are never answered and a
 * SIGTERM waits on it forever, while a process that exits is restarted by its supervisor (systemd, Kubernetes).
 * Where the error surfaces: a connection's pipeline (the listeners hand errors to {@link Vertx#exceptionHandler}),
 * Vert.x handlers (the same), a thread's uncaught error, the end of an event loop.
 */
final class FatalErrors {
  /** What the JVM exits with after an OutOfMemoryError under {@code -XX:+ExitOnOutOfMemoryError}. */
  static final int EXIT_CODE = 3;
  private static final Logger LOG = LoggerFactory.getLogger("edgeport");
  private static final AtomicBoolean EXITING = new AtomicBoolean();

  private FatalErrors() {}

  /** @param stopping true once the process is stopping on purpose: then its event loops end as they should */
  static void install(Vertx vertx, BooleanSupplier stopping) {
    vertx.exceptionHandler(e -> {
      exitOnOutOfMemory(e);
      LOG.error("Unhandled exception", e); // what Vert.x logs when no handler is set
    });
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
      exitOnOutOfMemory(e);
      System.err.print("Exception in thread \"" + thread.getName() + "\" "); // the JVM's own report
      e.printStackTrace();
    });
    VertxInternal internal = (VertxInternal) vertx;
    for (EventLoopGroup group : List.of(internal.nettyEventLoopGroup(), internal.acceptorEventLoopGroup())) {
      for (EventExecutor loop : group) {
        loop.terminationFuture().addListener(done -> {
          if (!stopping.getAsBoolean()) {
            exit("an event loop stopped while serving (the error above)");
          }
        });
      }
    }
  }

  /** Exits if {@code e} is an OutOfMemoryError or caused by one; returns otherwise. */
  static void exitOnOutOfMemory(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // a chain may loop
      if (t instanceof OutOfMemoryError) {
        exit("Terminating due to " + t);
      }
    }
  }

  /** One line (the first caller's), then at once: shutdown hooks and a drain could need what has run out. */
  private static void exit(String why) {
    if (EXITING.compareAndSet(false, true)) {
      try {
        LOG.error("{}: exiting with code {} to be restarted", why, EXIT_CODE);
      } finally {
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_CODE);
      }
    }
  }
}
