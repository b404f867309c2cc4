package io.edgeport.control;

import io.edgeport.config.AccessLogConfig;
import io.edgeport.proxy.AccessLog;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The access log the config asks for: opened before the config is committed (a file that cannot be opened refuses
 * it), kept while its settings stay, and the one it replaces closed once the requests it may still log are done.
 * Used on the control context.
 */
public final class AccessLogs {
  private final Vertx vertx;
  private final LongAdder dropped = new LongAdder();
  private AccessLog current;

  public AccessLogs(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The open one when unchanged, a new one, or null when off. */
  public AccessLog prepare(AccessLogConfig wanted) throws IOException {
    if (wanted == null) {
      return null;
    }
    if (current != null && current.config().equals(wanted)) {
      return current;
    }
    return AccessLog.open(wanted, dropped);
  }

  /** Closes what {@link #prepare} opened for a config that was refused: it never served. */
  public void abandon(AccessLog prepared) {
    if (prepared != null && prepared != current) {
      prepared.close();
    }
  }

  /** Logs to {@code next} from now on; the one it replaces takes lines for {@code linger} more. */
  public void commit(AccessLog next, Duration linger) {
    AccessLog old = current;
    current = next;
    if (old != null && old != next) {
      vertx.setTimer(linger.toMillis(), id -> old.close());
    }
  }

  /** Where requests are logged now, or null: off. */
  public AccessLog current() {
    return current;
  }

  /** Lines dropped because the writer fell behind; readable from any thread. */
  public long dropped() {
    return dropped.sum();
  }

  public void close() {
    if (current != null) {
      current.close();
    }
  }
}
