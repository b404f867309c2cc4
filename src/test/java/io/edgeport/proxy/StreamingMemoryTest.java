package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.support.Configs;
import io.edgeport.support.JavaProcess;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies far larger than the gateway's memory pass through intact: the gateway runs as its own
 * process with 64 MiB of heap and 64 MiB of direct memory and carries 512 MiB each way, which it
 * can only do by streaming with back-pressure.
 */
class StreamingMemoryTest {
  static final long SIZE = 512L * 1024 * 1024;
  static final List<String> SMALL_MEMORY = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m");

  @TempDir
  static Path dir;

  static Vertx vertx;
  static TestNodes nodes;
  static JavaProcess gateway;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    nodes = TestNodes.start(vertx, 1);
    port = Configs.freePort();
    Path file = Configs.write(dir, Configs.apiOn(port, nodes));
    gateway = JavaProcess.start(dir, SMALL_MEMORY, "run", "-c", file.toString(), "--workers", "1");
    gateway.awaitLine("listening on", 60);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    nodes.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void a512MiBDownloadStreamsThroughASmallHeap() throws Exception {
    MessageDigest expected = RawHttp.sha256();
    for (long off = 0; off < SIZE; off += 65536) {
      expected.update(TestNodes.pattern(off, (int) Math.min(65536, SIZE - off)));
    }
    try (RawHttp c = new RawHttp(port)) {
      RawHttp.Response r = c.send("GET /download?bytes=" + SIZE + " HTTP/1.1\r\nHost: api.example.com", null)
          .read(false, false);
      assertEquals(200, r.status());
      assertEquals(RawHttp.hex(expected.digest()), r.bodySha256());
    }
  }

  @Test
  void a512MiBUploadStreamsThroughASmallHeap() throws Exception {
    MessageDigest sent = RawHttp.sha256();
    try (RawHttp c = new RawHttp(port)) {
      c.send("PUT /upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: " + SIZE, null);
      for (long off = 0; off < SIZE; off += 1 << 20) {
        byte[] chunk = TestNodes.pattern(off, (int) Math.min(1 << 20, SIZE - off));
        sent.update(chunk);
        c.write(chunk);
      }
      JsonObject echo = new JsonObject(c.read(false).text());
      assertEquals(SIZE, echo.getLong("bodyBytes"));
      assertEquals(RawHttp.hex(sent.digest()), echo.getString("bodySha256"));
    }
  }
}
