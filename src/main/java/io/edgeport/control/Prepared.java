package io.edgeport.control;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.proxy.AccessLog;
import io.edgeport.tls.Certificates;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a config needs besides what serves now, made ready before anything of it serves: when a part cannot be
 * prepared (a port that cannot be bound, an unreachable API server, an access log that cannot be opened), what the
 * others prepared is undone, and the config serving keeps serving.
 *
 * @param files      its certificate files, read and checked
 * @param accessLog  its access log, or null: off
 * @param source     its cluster source
 * @param listeners  its listeners (none at the start: they are bound once the first generation is in)
 */
public record Prepared(EdgeportConfig config, Certificates files, AccessLog accessLog, ClusterSources.Next source,
    ProxyListeners.Pair listeners) {

  /**
   * @param extensions configure, one after the other, what follows the config beside the proxy (the admin
   *                   listener); a failure refuses the config
   */
  public static Future<Prepared> of(EdgeportConfig next, Certificates files, ControlLoop control, AccessLogs logs,
      ClusterSources sources, ProxyListeners listeners, List<Supplier<Future<Void>>> extensions) {
    AccessLog log;
    try {
      log = logs.prepare(next.accessLog());
    } catch (IOException e) {
      return Future.failedFuture(new IllegalStateException("accessLog: cannot open " + next.accessLog().file() + ": "
          + e.getMessage(), e));
    }
    return sources.prepare(next).compose(source -> control.here(listeners.prepare(next))
        .compose(pair -> control.here(configure(extensions))
            .recover(e -> control.here(listeners.abandon(pair)).transform(v -> Future.failedFuture(e)))
            .map(v -> new Prepared(next, files, log, source, pair)))
        .onFailure(e -> sources.abandon(source)))
        .onFailure(e -> logs.abandon(log));
  }

  private static Future<Void> configure(List<Supplier<Future<Void>>> extensions) {
    Future<Void> chain = Future.succeededFuture();
    for (Supplier<Future<Void>> e : extensions) {
      chain = chain.compose(v -> e.get());
    }
    return chain;
  }
}
