package io.edgeport.control;

import io.edgeport.cluster.Coalescer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Control work runs on one context, one step after the other (a reload waits for the one before it), and the
 * rebuild it asks for is debounced: a burst of changes is one rebuild, and no two changes interleave.
 */
public final class ControlLoop {
  private static final long REBUILD_DELAY_MILLIS = 5;

  private final Context context;
  private final Coalescer rebuilds;
  private Future<Void> applying = Future.succeededFuture();

  /** @param rebuild runs on the context, shortly after the first {@link #rebuildSoon} of a burst */
  public ControlLoop(Vertx vertx, Context context, Runnable rebuild) {
    this.context = context;
    this.rebuilds = new Coalescer(vertx, REBUILD_DELAY_MILLIS, rebuild);
  }

  public Context context() {
    return context;
  }

  /** Runs {@code step} on the context after every step queued before it. */
  public <T> Future<T> step(Supplier<Future<T>> step) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      Future<T> result = applying.transform(ignored -> step.get());
      applying = result.transform(ignored -> Future.succeededFuture());
      result.onComplete(done);
    });
    return done.future();
  }

  /** Asks for a rebuild; on the context. */
  public void rebuildSoon() {
    rebuilds.request();
  }

  /**
   * {@code f}, completing on the context: what follows it touches control state, and a future of Vert.x (a
   * deployment, a timer, a worker's result) may complete on another thread.
   */
  public <T> Future<T> here(Future<T> f) {
    Promise<T> out = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        out.handle(ar);
      } else {
        context.runOnContext(v -> out.handle(ar));
      }
    });
    return out.future();
  }
}
