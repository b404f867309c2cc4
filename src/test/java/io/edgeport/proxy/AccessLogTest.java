package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.AccessLogConfig;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The access log: its two formats, files that follow reloads, and a writer that can never slow the proxy. */
class AccessLogTest extends LiveNodesTest {

  static final AccessLog.Entry ENTRY = new AccessLog.Entry(0, "192.0.2.7", "GET", "/a?b=1", "HTTP/1.1", 200, 0, 512,
      null, "curl/8.0", "api.example.com", "127.0.0.2:30005", 1.5, 1.25, "abc123");

  @Test
  void combinedIsNcsaCombinedFollowedByEdgeportsFields() {
    StringBuilder line = new StringBuilder();
    AccessLog.combined(ENTRY, line);
    Matcher m = Pattern.compile("192\\.0\\.2\\.7 - - \\[([^]]+)] \"GET /a\\?b=1 HTTP/1\\.1\" 200 512"
        + " \"-\" \"curl/8\\.0\" \"api\\.example\\.com\" \"127\\.0\\.0\\.2:30005\" 1\\.500 1\\.250 \"abc123\"").matcher(line);
    assertTrue(m.matches(), line.toString());
    // local time with the host's offset, as nginx's $time_local: the entry's instant (the epoch) in any time zone
    OffsetDateTime time = OffsetDateTime.parse(m.group(1),
        DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT));
    assertEquals(Instant.EPOCH, time.toInstant(), m.group(1));
    assertEquals(ZoneId.systemDefault().getRules().getOffset(Instant.EPOCH), time.getOffset(), m.group(1));
  }

  @Test
  void jsonHasOneFieldPerFact() {
    StringBuilder line = new StringBuilder();
    AccessLog.json(ENTRY, line);
    JsonObject o = new JsonObject(line.toString());
    assertEquals("api.example.com", o.getString("domain"));
    assertEquals("127.0.0.2:30005", o.getString("node"));
    assertEquals(200, o.getInteger("status"));
    assertEquals(512L, o.getLong("bytesOut"));
    assertEquals(1.5, o.getDouble("durationMs"));
    assertEquals(1.25, o.getDouble("backendMs"));
    assertEquals("abc123", o.getString("requestId"));
    assertEquals("1970-01-01T00:00:00Z", o.getString("time"));
  }

  @Test
  void aStalledWriterDropsAndCountsInsteadOfBlocking() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Writer stalled = new Writer() {
      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        try {
          release.await(30, TimeUnit.SECONDS); // a disk that does not answer
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    };
    LongAdder dropped = new LongAdder();
    AccessLog log = AccessLog.to(stalled, AccessLogConfig.STDOUT_COMBINED, dropped);
    int offered = AccessLog.CAPACITY + 1000;
    long start = System.nanoTime();
    for (int i = 0; i < offered; i++) {
      log.offer(ENTRY);
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(dropped.sum() >= 999, "entries beyond the queue are dropped and counted: " + dropped.sum());
    assertTrue(tookMillis < 10_000, "offering never waited for the writer (" + tookMillis + " ms)");
    release.countDown();
    log.close();
  }

  @Test
  void everyRequestIsLoggedToTheFileWithItsDomainNodeAndRequestId() throws Exception {
    Path file = dir.resolve("access.log");
    int port = Configs.freePort();
    startGateway("""
        listen:
          http: "127.0.0.1:%d"
        accessLog:
          format: json
          file: %s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(port, file, Configs.nodes(nodes), nodes.port()), 1);
    try (RawHttp client = new RawHttp(port)) {
      client.send("POST /upload?x=1 HTTP/1.1\r\nHost: api.example.com\r\nX-Request-Id: req-42\r\n"
          + "User-Agent: test-agent\r\nContent-Length: 5", "hello".getBytes());
      assertEquals(200, client.read(false).status());
    }
    assertEquals(404, RawHttp.get(port, "nobody.example.com", "/").status());
    Poll.until(() -> lines(file).size() >= 2, 10, "two access log lines");
    List<String> lines = lines(file);
    JsonObject served = new JsonObject(lines.get(0));
    assertEquals("POST", served.getString("method"));
    assertEquals("/upload?x=1", served.getString("uri"));
    assertEquals(200, served.getInteger("status"));
    assertEquals("api.example.com", served.getString("domain"));
    assertTrue(nodes.addresses().stream().anyMatch(a -> served.getString("node").equals(a + ":" + nodes.port())));
    assertEquals("req-42", served.getString("requestId"));
    assertEquals("test-agent", served.getString("userAgent"));
    assertEquals(5L, served.getLong("bytesIn"));
    assertTrue(served.getDouble("durationMs") >= served.getDouble("backendMs"));
    JsonObject notFound = new JsonObject(lines.get(1));
    assertEquals(404, notFound.getInteger("status"));
    assertEquals("", notFound.getString("domain"));
    assertEquals(null, notFound.getValue("backendMs"), "no node answered it");
    assertEquals(0, gateway.accessLogDropped());
  }

  static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }
}
