package io.edgeport.proxy;

import io.edgeport.config.AccessLogConfig;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, written by its own thread: event loops only put an entry into a bounded
 * lock-free queue (never a write, a lock or a wake-up call); when the queue is full the entry is
 * dropped and counted, so a slow disk can never slow the proxy down. The writer formats, writes and
 * flushes in batches, and sleeps briefly when there is nothing to write.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.accesslog");
  static final int CAPACITY = 16_384;
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

  /**
   * One request, as the access log shows it.
   *
   * @param domain    the configured domain that routed it, or "" (no route)
   * @param node      the node that served it ({@code 127.0.0.2:30005}), or "" for the gateway's own answers
   * @param backendMs from forwarding to the node until its response ended, or -1 when no node answered
   */
  public record Entry(long epochMillis, String client, String method, String uri, String protocol, int status,
      long bytesIn, long bytesOut, String referer, String userAgent, String domain, String node, double totalMs,
      double backendMs, String requestId) {}

  private final AccessLogConfig config;
  private final Queue<Entry> queue = PlatformDependent.newFixedMpscQueue(CAPACITY);
  private final LongAdder dropped;
  private final Writer out;
  private final Thread writer;
  private volatile boolean closing;

  private AccessLog(AccessLogConfig config, Writer out, LongAdder dropped) {
    this.config = config;
    this.out = out;
    this.dropped = dropped;
    this.writer = new Thread(this::run, "edgeport-access-log");
    writer.setDaemon(true);
  }

  /**
   * @param dropped where entries that found the queue full are counted (shared across reloads)
   * @throws IOException when the file cannot be opened for appending
   */
  public static AccessLog open(AccessLogConfig config, LongAdder dropped) throws IOException {
    Writer out = config.file() == null
        ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
        : Files.newBufferedWriter(Path.of(config.file()), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return to(new BufferedWriter(out, 64 * 1024), config, dropped);
  }

  /** An access log writing to {@code out} (tests give a writer that stalls). */
  static AccessLog to(Writer out, AccessLogConfig config, LongAdder dropped) {
    AccessLog log = new AccessLog(config, out, dropped);
    log.writer.start();
    return log;
  }

  public AccessLogConfig config() {
    return config;
  }

  /** From an event loop: never blocks. */
  void offer(Entry entry) {
    if (closing || !queue.offer(entry)) {
      dropped.increment();
    }
  }

  private void run() {
    StringBuilder line = new StringBuilder(256);
    try {
      while (true) {
        Entry e = queue.poll();
        if (e == null) {
          out.flush();
          if (closing) {
            break;
          }
          LockSupport.parkNanos(IDLE_PARK_NANOS);
          continue;
        }
        line.setLength(0);
        if (config.format() == AccessLogConfig.Format.JSON) {
          json(e, line);
        } else {
          combined(e, line);
        }
        out.write(line.append('\n').toString());
      }
    } catch (IOException ex) {
      LOG.error("access log: cannot write ({}); no more lines are written until the next reload", ex.toString());
      closing = true;
    } finally {
      if (config.file() != null) {
        try {
          out.close();
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
    }
  }

  /** NCSA combined, then edgeport's fields: "domain" "node" total_ms backend_ms "request_id". */
  static void combined(Entry e, StringBuilder out) {
    out.append(e.client()).append(" - - [").append(CLF_TIME.format(Instant.ofEpochMilli(e.epochMillis())))
        .append("] \"").append(e.method()).append(' ').append(e.uri()).append(' ').append(e.protocol())
        .append("\" ").append(e.status()).append(' ').append(e.bytesOut()).append(" \"")
        .append(dash(e.referer())).append("\" \"").append(dash(e.userAgent())).append("\" \"")
        .append(dash(e.domain())).append("\" \"").append(dash(e.node())).append("\" ")
        .append(String.format(Locale.ROOT, "%.3f", e.totalMs())).append(' ')
        .append(e.backendMs() < 0 ? "-" : String.format(Locale.ROOT, "%.3f", e.backendMs())).append(" \"")
        .append(dash(e.requestId())).append('"');
  }

  private static String dash(String s) {
    return s == null || s.isEmpty() ? "-" : s.replace("\"", "\\\"");
  }

  static void json(Entry e, StringBuilder out) {
    JsonObject o = new JsonObject()
        .put("time", Instant.ofEpochMilli(e.epochMillis()).toString())
        .put("client", e.client()).put("method", e.method()).put("uri", e.uri()).put("protocol", e.protocol())
        .put("status", e.status()).put("bytesIn", e.bytesIn()).put("bytesOut", e.bytesOut())
        .put("referer", e.referer()).put("userAgent", e.userAgent())
        .put("domain", e.domain()).put("node", e.node())
        .put("durationMs", e.totalMs()).put("backendMs", e.backendMs() < 0 ? null : e.backendMs())
        .put("requestId", e.requestId());
    out.append(o.encode());
  }

  /** Writes what is queued, then stops; entries offered later are dropped (and counted). */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
  }
}
