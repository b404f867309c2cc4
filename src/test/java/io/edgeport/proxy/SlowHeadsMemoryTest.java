package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.JavaProcess;
import io.edgeport.support.Poll;
import io.edgeport.support.PrometheusText;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients that each send most of a request head and then wait, against the gateway as its own process with
 * bin/edgeport's JVM options but 32 MiB of direct memory: the heads held at once stay within an eighth of it, the
 * rest are refused (503) and others are served; and if the direct memory runs out all the same (the budget raised
 * past it), the process ends, as -XX:+ExitOnOutOfMemoryError ends it for the heap, rather than hang.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SlowHeadsMemoryTest {
  static final List<String> SMALL_DIRECT_MEMORY = List.of("-XX:+UseSerialGC", "-Xmn24m", "-Xmx160m",
      "-XX:MaxDirectMemorySize=32m", "-XX:+ExitOnOutOfMemoryError");
  static final long BUDGET = 32L * 1024 * 1024 / 8;
  /** One unfinished head of 30,000 bytes: well within the 32 KiB head limit and the (raised) header timeout. */
  static final Buffer HEAD = Buffer.buffer("GET / HTTP/1.1\r\nHost: api.example.com\r\nX-Long: "
      + "a".repeat(30_000 - 47));
  /** Before the budget, 1,200 of them took 45 KB of direct memory each: 54 MB, beyond the 32 MiB. */
  static final int SLOW = 1200;

  @TempDir
  static Path dir;

  static Vertx vertx;
  static TestNodes nodes;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    nodes = TestNodes.start(vertx, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    nodes.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The slow clients' side: their connections, and how many were answered 503 or closed. */
  static final class SlowClients implements AutoCloseable {
    final NetClient client = vertx.createNetClient();
    final List<NetSocket> sockets = new ArrayList<>();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    /** Opens one more and sends its head; false when the gateway takes no connection any more. */
    boolean open(int port) {
      NetSocket s;
      try {
        s = client.connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        return false;
      }
      s.handler(answer -> {
        if (answer.toString().startsWith("HTTP/1.1 503 ")) {
          refused.incrementAndGet();
        }
      });
      s.closeHandler(v -> closed.incrementAndGet());
      s.exceptionHandler(e -> { }); // a refused connection may be reset: its close is what counts
      s.write(HEAD);
      sockets.add(s);
      return true;
    }

    @Override
    public void close() {
      sockets.forEach(NetSocket::close);
      client.close();
    }
  }

  private static JavaProcess gateway(int port, int admin, String limits) throws Exception {
    Path file = Configs.write(dir, Configs.apiOn(port, nodes) + "admin: \"127.0.0.1:" + admin + "\"\nlimits:\n"
        + limits.indent(2));
    JavaProcess p = JavaProcess.start(dir, SMALL_DIRECT_MEMORY, "run", "-c", file.toString(), "--workers", "1");
    p.awaitLine("listening on", 60);
    return p;
  }

  private static List<PrometheusText.Sample> metrics(int admin) throws Exception {
    return PrometheusText.parse(Curl.run("http://127.0.0.1:" + admin + "/metrics").body());
  }

  private static double refused(int admin) {
    try {
      return PrometheusText.sum(metrics(admin), "edgeport_requests_refused_total", Map.of("code", "503"));
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void slowHeadsBeyondTheBudgetAreRefusedWhileANormalRequestIsServed() throws Exception {
    int port = Configs.freePort();
    int admin = Configs.freePort();
    try (JavaProcess gateway = gateway(port, admin, "maxConnections: 0\nheaderTimeout: 60s");
        SlowClients slow = new SlowClients()) {
      for (int i = 0; i < SLOW; i++) {
        assertTrue(slow.open(port), "connection " + i + " taken");
      }
      // a head held takes 30,000 bytes, or 32 KiB if it came in two reads
      long mostHeld = BUDGET / 30_000;
      Poll.until(() -> slow.closed.get() >= SLOW - mostHeld && refused(admin) == slow.closed.get(), 60,
          "the heads beyond the budget are refused, each counted");
      assertEquals(200, RawHttp.get(port, "api.example.com", "/").status(), "a normal request is served");
      assertTrue(slow.refused.get() > 0, "they are told why: 503");
      double held = PrometheusText.sum(metrics(admin), "edgeport_head_buffer_bytes", Map.of());
      assertTrue(held <= BUDGET && held > BUDGET - 32 * 1024, "held " + held + " of " + BUDGET);
      assertTrue(gateway.isAlive());

      slow.close();
      Poll.until(() -> {
        try {
          return PrometheusText.sum(metrics(admin), "edgeport_head_buffer_bytes", Map.of()) == 0;
        } catch (Exception e) {
          return false;
        }
      }, 30, "the held heads' bytes are given back as their connections close");
    }
  }

  @Test
  void anOutOfDirectMemoryErrorEndsTheProcessRatherThanHangIt() throws Exception {
    int port = Configs.freePort();
    int admin = Configs.freePort();
    try (JavaProcess gateway = gateway(port, admin, "maxConnections: 0\nheaderTimeout: 60s\nheadBufferBytes: 1024MiB");
        SlowClients slow = new SlowClients()) {
      int opened = 0;
      while (opened < 3 * SLOW && gateway.isAlive() && slow.open(port)) {
        opened++; // about 1,100 heads use up the 32 MiB
      }
      assertEquals(3, gateway.awaitExit(60), "the exit code of -XX:+ExitOnOutOfMemoryError");
      String line = gateway.awaitLine("Terminating due to java.lang.OutOfMemoryError", 10);
      assertTrue(line.contains("exiting with code 3"), line);
    }
  }
}
