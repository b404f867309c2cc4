package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.AccessLogConfig;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a client sends cannot forge an access log line or field, and the log's queue is bounded in bytes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccessLogEscapingTest extends LiveNodesTest {

  /** A combined line, whatever its fields hold: printable ASCII, and each quoted field without a bare quote. */
  static final Pattern COMBINED = Pattern.compile("[0-9a-f.:]+ - - \\[[^\\]]+] \"[\\x20-\\x21\\x23-\\x7E]*\" \\d{3} \\d+"
      + "( \"[\\x20-\\x21\\x23-\\x7E]*\"){4} \\d+\\.\\d{3} (\\d+\\.\\d{3}|-) \"[\\x20-\\x21\\x23-\\x7E]*\"");

  static AccessLog.Entry entry(String uri, String referer, String userAgent, String requestId) {
    return new AccessLog.Entry(0, "192.0.2.7", "GET", uri, "HTTP/1.1", 200, 0, 512, referer, userAgent,
        "api.example.com", "127.0.0.2:30005", 1.5, 1.25, requestId);
  }

  /** The line after its time stamp (which depends on the time zone). */
  static String afterTime(String line) {
    return line.substring(line.indexOf("] ") + 2);
  }

  @Test
  void combinedEscapesControlsQuotesBackslashesAndNonAsciiAsNginxDoes() {
    StringBuilder line = new StringBuilder();
    AccessLog.combined(entry("/a\"b\\c d\u0001\u007f\u0080\u00ff%0d%0a",
        "r\r\n1.2.3.4 - - [x] \"GET / HTTP/1.1\" 200 1", "ua\tq\u009b\u00c3\u00a9", "id\u20ac\ud83d\ude00"), line);
    assertTrue(line.toString().startsWith("192.0.2.7 - - ["), line.toString());
    assertEquals("\"GET /a\\x22b\\x5Cc d\\x01\\x7F\\x80\\xFF%0d%0a HTTP/1.1\" 200 512"
        + " \"r\\x0D\\x0A1.2.3.4 - - [x] \\x22GET / HTTP/1.1\\x22 200 1\" \"ua\\x09q\\x9B\\xC3\\xA9\""
        + " \"api.example.com\" \"127.0.0.2:30005\" 1.500 1.250 \"id\\xE2\\x82\\xAC\\xF0\\x9F\\x98\\x80\"",
        afterTime(line.toString()), "bytes as nginx writes them; a character above U+00FF as its UTF-8 bytes");
  }

  @Test
  void jsonEscapesEverythingOutsidePrintableAscii() {
    StringBuilder line = new StringBuilder();
    AccessLog.json(entry("/a\"b\\c\u0001\u007f\u00e9", "r\r\n\"x\":1", null, "\ud800"), line);
    assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"client\":\"192.0.2.7\",\"method\":\"GET\","
        + "\"uri\":\"/a\\\"b\\\\c\\u0001\\u007F\\u00E9\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"bytesIn\":0,"
        + "\"bytesOut\":512,\"referer\":\"r\\r\\n\\\"x\\\":1\",\"userAgent\":null,\"domain\":\"api.example.com\","
        + "\"node\":\"127.0.0.2:30005\",\"durationMs\":1.5,\"backendMs\":1.25,\"requestId\":\"\\uD800\"}",
        line.toString());
  }

  @Test
  void anyInputGivesOneWellFormedLineInEitherFormat() {
    Random random = new Random(19);
    for (int i = 0; i < 2000; i++) {
      String uri = "/" + randomText(random);
      String referer = randomText(random);
      String userAgent = randomText(random);
      AccessLog.Entry e = entry(uri, referer, userAgent, randomText(random));
      StringBuilder combined = new StringBuilder();
      AccessLog.combined(e, combined);
      assertTrue(COMBINED.matcher(combined).matches(), combined.toString());
      StringBuilder json = new StringBuilder();
      AccessLog.json(e, json);
      assertTrue(json.chars().allMatch(c -> c >= 0x20 && c < 0x7F), json.toString());
      JsonObject parsed = new JsonObject(json.toString());
      assertEquals(uri, parsed.getString("uri"), "every character comes back");
      assertEquals(referer, parsed.getString("referer"));
      assertEquals(userAgent, parsed.getString("userAgent"));
    }
  }

  private static String randomText(Random random) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(20);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(4);
      s.append(kind == 0 ? (char) random.nextInt(0x20) : kind == 1 ? "\"\\\r\n\t\u007f".charAt(random.nextInt(6))
          : kind == 2 ? (char) random.nextInt(0x10000) : (char) (0x20 + random.nextInt(0xE0)));
    }
    return s.toString();
  }

  @Test
  void theQueueHoldsAtMostItsBytesAndDropsAndCountsBeyond() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger written = new AtomicInteger();
    Writer stalled = new Writer() {
      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        try {
          release.await(60, TimeUnit.SECONDS); // a disk that does not answer, until released
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        for (int i = off; i < off + len; i++) {
          if (cbuf[i] == '\n') {
            written.incrementAndGet();
          }
        }
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    };
    LongAdder dropped = new LongAdder();
    AccessLog log = AccessLog.to(stalled, AccessLogConfig.STDOUT_COMBINED, dropped);
    try {
      AccessLog.Entry large = entry("/" + "x".repeat(8191), null, "curl/8.0", "abc123"); // an 8 KiB target
      int offered = 2000; // far fewer than CAPACITY entries, but 16 MiB
      for (int i = 0; i < offered; i++) {
        log.offer(large);
      }
      long accepted = offered - dropped.sum();
      assertTrue(accepted <= AccessLog.MAX_QUEUED_BYTES / 8192 + 1, "at most the bound's bytes are held: " + accepted);
      assertTrue(accepted >= AccessLog.MAX_QUEUED_BYTES / (8192 + 1024), "and about that much: " + accepted);
      release.countDown();
      Poll.until(() -> written.get() == accepted, 30, "the held lines written");
      log.offer(large);
      Poll.until(() -> written.get() == accepted + 1, 30, "written once the queue has room again");
      assertEquals(offered - accepted, dropped.sum(), "nothing dropped once written");
    } finally {
      release.countDown();
      log.close();
    }
  }

  @Test
  void aRequestCannotForgeALineOrAFieldOverHttp1OrHttp2() throws Exception {
    Path file = dir.resolve("access.log");
    int port = Configs.freePort();
    startGateway("""
        listen:
          http: "127.0.0.1:%d"
          h2c: true
        accessLog:
          file: %s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(port, file, Configs.nodes(nodes), nodes.port()), 1);

    // HTTP/1 refuses CR, LF and other controls in a head, but lets through '"', '\', TAB and bytes 0x80-0xFF
    try (RawHttp client = new RawHttp(port)) {
      client.write(("GET /p%0d%0a\"q\\ HTTP/1.1\r\nHost: api.example.com\r\nReferer: r\" 200 1 \"forged\r\n"
          + "User-Agent: ua\t\"x\"\\\u009b\u00c3\u00a9\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      assertEquals(200, client.read(false).status());
    }
    // HTTP/2 carries any byte in a value: CR LF and a whole forged line after it
    String forgedAgent = "ua\r\n6.6.6.6 - - [01/Jan/2026:00:00:00 +0000] \"GET /forged HTTP/1.1\" 200 1\u001b[2J";
    int status = h2Get(port, "nobody.example.com", "/h2-request", forgedAgent);
    assertTrue(status >= 400 && status < 500, "answered by the gateway: " + status);
    assertEquals(404, RawHttp.get(port, "nobody.example.com", "/last").status());

    Poll.until(() -> AccessLogTest.lines(file).stream().anyMatch(l -> l.contains("/last")), 10, "the last line");
    List<String> lines = AccessLogTest.lines(file);
    assertEquals(3, lines.size(), "one line per request: " + lines);
    lines.forEach(l -> assertTrue(COMBINED.matcher(l).matches(), l));
    assertTrue(Pattern.matches(Pattern.quote("\"GET /p%0d%0a\\x22q\\x5C HTTP/1.1\" 200 ") + "\\d+"
        + Pattern.quote(" \"r\\x22 200 1 \\x22forged\" \"ua\\x09\\x22x\\x22\\x5C\\x9B\\xC3\\xA9\" \"api.example.com\" \"")
        + "127\\.0\\.0\\.\\d:\\d+\" .*", afterTime(lines.get(0))), lines.get(0));
    assertTrue(lines.get(1).contains(" \"ua\\x0D\\x0A6.6.6.6 - - [01/Jan/2026:00:00:00 +0000] \\x22GET /forged"
        + " HTTP/1.1\\x22 200 1\\x1B[2J\" "), lines.get(1));
  }

  /**
   * One GET over cleartext HTTP/2 with prior knowledge, its frames written by hand (and its headers encoded without
   * validation) so that a value can hold bytes a real client would refuse to send; returns the response's status.
   */
  static int h2Get(int port, String authority, String path, String userAgent) throws Exception {
    Http2Headers headers = new DefaultHttp2Headers(false).method("GET").scheme("http").path(path)
        .authority(authority).add("user-agent", userAgent);
    ByteBuf block = Unpooled.buffer();
    new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, block);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      frame(out, 0x4, 0, 0, new byte[0]); // SETTINGS
      frame(out, 0x1, 0x5, 1, ByteBufUtil.getBytes(block)); // HEADERS, END_STREAM | END_HEADERS
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      while (true) {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7FFFFFFF;
        byte[] payload = in.readNBytes(length);
        if (type == 0x1 && stream == 1) {
          int padding = (flags & 0x8) != 0 ? payload[0] & 0xFF : 0;
          int start = ((flags & 0x8) != 0 ? 1 : 0) + ((flags & 0x20) != 0 ? 5 : 0); // PADDED, PRIORITY
          return Integer.parseInt(new DefaultHttp2HeadersDecoder(false).decodeHeaders(1,
              Unpooled.wrappedBuffer(payload, start, payload.length - start - padding)).status().toString());
        }
        if (type == 0x3 && stream == 1 || type == 0x7) {
          throw new IOException("no response: " + (type == 0x3 ? "RST_STREAM" : "GOAWAY"));
        }
      }
    }
  }

  private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
      throws IOException {
    int n = payload.length;
    out.write(new byte[] {(byte) (n >> 16), (byte) (n >> 8), (byte) n, (byte) type, (byte) flags,
        (byte) (stream >> 24), (byte) (stream >> 16), (byte) (stream >> 8), (byte) stream});
    out.write(payload);
  }
}
