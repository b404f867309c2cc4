package io.edgeport.proxy;

import io.edgeport.config.AccessLogConfig;
import io.netty.util.internal.PlatformDependent;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, written by its own thread: event loops only put an entry into a bounded
 * lock-free queue (never a write, a lock or a wake-up call); when the queue is full (in entries, or in
 * the bytes its entries hold) the entry is dropped and counted, so a slow disk can never slow the
 * proxy down nor fill its heap. The writer formats, writes and flushes in batches, and sleeps briefly
 * when there is nothing to write.
 *
 * <p>What a client sent is written escaped, so that no request can forge a line or a field: in the
 * combined format, as nginx does, every byte outside printable ASCII, and {@code "} and {@code \}, as
 * {@code \xHH} (a request's bytes are its characters here: Netty reads them as ISO-8859-1); in JSON,
 * everything outside printable ASCII as a JSON escape (backslash, u, four hex digits), so each line is valid
 * JSON, and ASCII, whatever came in.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.accesslog");
  static final int CAPACITY = 16_384;
  /**
   * What queued entries may hold, about: 8 MiB, 5 % of the default heap. Typical entries (some 400 bytes) fill
   * {@link #CAPACITY} first; this bound is for large ones (8 KiB targets, 32 KiB User-Agents), of which
   * {@code CAPACITY} would otherwise hold several hundred MiB.
   */
  static final long MAX_QUEUED_BYTES = 8 << 20;
  /** An entry's own object and its strings' headers, besides their characters. */
  private static final int ENTRY_OVERHEAD = 256;
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
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
  private final AtomicLong queuedBytes = new AtomicLong();
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
    if (closing) {
      dropped.increment();
      return;
    }
    long size = size(entry);
    if (queuedBytes.addAndGet(size) > MAX_QUEUED_BYTES || !queue.offer(entry)) {
      queuedBytes.addAndGet(-size);
      dropped.increment();
    }
  }

  /** About the heap an entry holds: its strings of the request (Latin-1, a byte a character) and its objects. */
  private static long size(Entry e) {
    return ENTRY_OVERHEAD + e.client().length() + e.method().length() + e.uri().length() + length(e.referer())
        + length(e.userAgent()) + length(e.requestId());
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
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
        queuedBytes.addAndGet(-size(e));
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
    escaped(e.client(), out);
    out.append(" - - [").append(CLF_TIME.format(Instant.ofEpochMilli(e.epochMillis()))).append("] \"");
    escaped(e.method(), out);
    out.append(' ');
    escaped(e.uri(), out);
    out.append(' ').append(e.protocol()).append("\" ").append(e.status()).append(' ').append(e.bytesOut())
        .append(' ');
    quoted(e.referer(), out);
    out.append(' ');
    quoted(e.userAgent(), out);
    out.append(' ');
    quoted(e.domain(), out);
    out.append(' ');
    quoted(e.node(), out);
    out.append(' ').append(String.format(Locale.ROOT, "%.3f", e.totalMs())).append(' ')
        .append(e.backendMs() < 0 ? "-" : String.format(Locale.ROOT, "%.3f", e.backendMs())).append(' ');
    quoted(e.requestId(), out);
  }

  /** {@code "s"} escaped, or {@code "-"} when there is none. */
  private static void quoted(String s, StringBuilder out) {
    out.append('"');
    if (s == null || s.isEmpty()) {
      out.append('-');
    } else {
      escaped(s, out);
    }
    out.append('"');
  }

  /**
   * As nginx's {@code escape=default}: printable ASCII stays, except {@code "} and {@code \}; every other byte
   * becomes {@code \xHH}. A character above U+00FF (none comes from the wire) is written as its UTF-8 bytes.
   */
  static void escaped(String s, StringBuilder out) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        out.append(c);
      } else if (c <= 0xFF) {
        hexByte(c, out);
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
            ? i + 2 : i + 1;
        for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          hexByte(b & 0xFF, out);
        }
        i = end - 1;
      }
    }
  }

  private static void hexByte(int b, StringBuilder out) {
    out.append('\\').append('x').append(HEX[b >> 4]).append(HEX[b & 0xF]);
  }

  static void json(Entry e, StringBuilder out) {
    out.append("{\"time\":\"").append(Instant.ofEpochMilli(e.epochMillis())).append('"');
    jsonField("client", e.client(), out);
    jsonField("method", e.method(), out);
    jsonField("uri", e.uri(), out);
    jsonField("protocol", e.protocol(), out);
    out.append(",\"status\":").append(e.status()).append(",\"bytesIn\":").append(e.bytesIn())
        .append(",\"bytesOut\":").append(e.bytesOut());
    jsonField("referer", e.referer(), out);
    jsonField("userAgent", e.userAgent(), out);
    jsonField("domain", e.domain(), out);
    jsonField("node", e.node(), out);
    out.append(",\"durationMs\":").append(e.totalMs()).append(",\"backendMs\":")
        .append(e.backendMs() < 0 ? "null" : Double.toString(e.backendMs()));
    jsonField("requestId", e.requestId(), out);
    out.append('}');
  }

  /** {@code ,"name":"value"} (or {@code null}), the value in printable ASCII, the rest escaped. */
  private static void jsonField(String name, String value, StringBuilder out) {
    out.append(",\"").append(name).append("\":");
    if (value == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c >= 0x20 && c < 0x7F) {
            out.append(c);
          } else {
            out.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                .append(HEX[c & 0xF]);
          }
        }
      }
    }
    out.append('"');
  }

  /** Writes what is queued, then stops; entries offered later are dropped (and counted). */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
  }
}
