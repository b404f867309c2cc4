package io.edgeport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Blackhole;
import io.edgeport.support.Configs;
import io.edgeport.support.JavaProcess;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestNodes;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operating a running gateway as users do, on a real process: edit its config file (in place and by
 * rename), send SIGHUP and SIGTERM, while traffic flows.
 */
class LiveOperationsProcessTest {
  static final long WAIT = 30;

  @TempDir
  Path dir;
  Vertx vertx;
  TestNodes nodes;
  int port;
  Path file;

  @BeforeEach
  void startNodes() throws Exception {
    vertx = Vertx.vertx();
    nodes = TestNodes.start(vertx, 3);
    port = Configs.freePort();
    file = dir.resolve("edgeport.yaml");
  }

  @AfterEach
  void stopNodes() throws Exception {
    nodes.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  String config(String... hosts) {
    StringBuilder domains = new StringBuilder("domains:\n");
    for (String h : hosts) {
      domains.append("  - host: ").append(h).append("\n    nodePort: ").append(nodes.port()).append('\n');
    }
    return "listen:\n  http: \"127.0.0.1:" + port + "\"\n" + Configs.nodes(nodes) + domains;
  }

  /** Writes the file the way `sed -i` and most editors do: a new file renamed over the old one. */
  void writeByRename(String text) throws IOException {
    Path tmp = dir.resolve(".edgeport.yaml.swp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  JavaProcess startGateway() throws Exception {
    JavaProcess p = JavaProcess.start(dir, "run", "-c", file.toString(), "--workers", "1");
    p.awaitLine("watching " + file, 60);
    for (String node : nodes.addresses()) {
      p.awaitLine("node " + node + " on :" + nodes.port() + " UP", WAIT);
    }
    return p;
  }

  /** Sequential keep-alive requests until stopped (bounded in count and time); every failure is kept. */
  static final class SteadyTraffic implements AutoCloseable {
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger ok = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
    final CompletableFuture<Void> done;

    SteadyTraffic(int port) {
      done = CompletableFuture.runAsync(() -> {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        RawHttp client = null;
        for (int i = 0; i < 200_000 && !stop.get() && System.nanoTime() < end; i++) {
          try {
            if (client == null) {
              client = new RawHttp(port);
            }
            RawHttp.Response r = client.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false);
            if (r.status() != 200) {
              failures.add("status " + r.status());
            } else {
              ok.incrementAndGet();
            }
            if (i % 50 == 49) { // new connections too, not only one kept alive
              client.close();
              client = null;
            }
          } catch (IOException e) {
            failures.add(e.toString());
            client = null;
          }
        }
      });
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      done.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void configChangesApplyLiveAndBadOnesChangeNothing() throws Exception {
    Files.writeString(file, config("api.example.com"));
    try (JavaProcess p = startGateway()) {
      long pid = p.pid();
      try (SteadyTraffic traffic = new SteadyTraffic(port); RawHttp slow = new RawHttp(port)) {
        slow.send("GET /slow?ms=2000 HTTP/1.1\r\nHost: api.example.com", null);

        int mark = p.mark();
        Files.writeString(file, config("api.example.com", "www.example.com")); // in place
        p.awaitLineAfter(mark, "config reloaded (file change)", WAIT);
        assertEquals(200, RawHttp.get(port, "www.example.com", "/").status(), "live once the reload is logged");

        mark = p.mark();
        Files.writeString(file, config("api.example.com", "www.example.com").replace("nodePort: " + nodes.port(),
            "nodePort: lots")); // a bad value, in place
        String refused = p.awaitLineAfter(mark, "refused", WAIT);
        assertTrue(p.output().stream().anyMatch(l -> l.contains(file + ":9:15: nodePort must be a whole number")),
            "the error names FILE:LINE:COL: " + refused + "\n" + String.join("\n", p.output()));
        assertEquals(200, RawHttp.get(port, "www.example.com", "/").status(), "the old config keeps serving");

        mark = p.mark();
        writeByRename(config("api.example.com", "shop.example.com").replace("  - host: shop", " - host: shop"));
        p.awaitLineAfter(mark, "refused", WAIT); // broken indentation, by rename
        assertEquals(200, RawHttp.get(port, "www.example.com", "/").status(), "nothing of it is half-applied");
        assertEquals(404, RawHttp.get(port, "shop.example.com", "/").status());

        mark = p.mark();
        writeByRename(config("api.example.com", "shop.example.com"));
        p.awaitLineAfter(mark, "config reloaded (file change)", WAIT);
        assertEquals(200, RawHttp.get(port, "shop.example.com", "/").status());
        assertEquals(404, RawHttp.get(port, "www.example.com", "/").status(), "a removed domain is gone");

        mark = p.mark();
        p.signal("HUP");
        p.awaitLineAfter(mark, "config reload (SIGHUP): unchanged", WAIT);

        assertEquals(200, slow.read(false).status(), "the request in flight across all reloads finished");
        traffic.close();
        assertEquals(List.of(), traffic.failures, "no request failed across the reloads");
        assertTrue(traffic.ok.get() > 0);
      }
      assertTrue(p.isAlive());
      assertEquals(pid, p.pid(), "same process: no restart");
    }
  }

  @Test
  void aSighupWhileAFileChangeIsPendingIsNotLost() throws Exception {
    Files.writeString(file, config("api.example.com"));
    try (JavaProcess p = startGateway()) {
      int mark = p.mark();
      writeByRename(config("api.example.com", "www.example.com"));
      p.signal("HUP"); // within the watcher's quiet period, most likely: its reload of the edit is still to come
      // each is read and applied in turn on the control context: the first to run applies the edit, the other
      // finds it applied
      List<String> outcomes = List.of(p.awaitLineAfter(mark, "(SIGHUP)", WAIT),
          p.awaitLineAfter(mark, "(file change)", WAIT));
      assertEquals(1, outcomes.stream().filter(l -> l.contains("config reloaded (")).count(), outcomes.toString());
      assertEquals(1, outcomes.stream().filter(l -> l.contains("): unchanged")).count(), outcomes.toString());
      assertEquals(200, RawHttp.get(port, "www.example.com", "/").status());
    }
  }

  @Test
  void aSighupDuringTheStartReloadsOnceItIsUpInsteadOfStoppingIt() throws Exception {
    // 127.0.0.5 drops connects: the first health checks, which the start waits for, take their 5 s timeout
    try (Blackhole hole = new Blackhole("127.0.0.5", nodes.port())) {
      Files.writeString(file, config("api.example.com").replace("  - 127.0.0.2\n", "  - 127.0.0.2\n  - 127.0.0.5\n")
          .replace("nodePort: " + nodes.port() + "\n", "nodePort: " + nodes.port()
              + "\n    healthCheck: {interval: 5s, timeout: 5s}\n"));
      try (JavaProcess p = JavaProcess.start(dir, "run", "-c", file.toString(), "--workers", "1")) {
        p.awaitLine("network transport", 60); // starting
        assertTrue(p.output().stream().noneMatch(l -> l.contains("listening")), "still starting when it comes");
        p.signal("HUP"); // what systemctl reload does, right after systemctl start
        String listening = p.awaitLine("edgeport listening", WAIT);
        String reload = p.awaitLine("config reload (SIGHUP)", WAIT);
        assertTrue(reload.contains("unchanged"), reload);
        assertTrue(p.output().indexOf(reload) > p.output().indexOf(listening), "once it is up");
        assertTrue(p.isAlive());
        assertEquals(200, RawHttp.get(port, "api.example.com", "/").status());
      }
    }
  }

  @Test
  void startedWithSighupIgnoredItSaysItCannotReloadOnIt() throws Exception {
    Files.writeString(file, config("api.example.com"));
    try (JavaProcess p = JavaProcess.startUnder(List.of("nohup"), dir, "run", "-c", file.toString())) {
      p.awaitLine("SIGHUP is ignored in this process", WAIT);
      String watching = p.awaitLine("watching " + file, 60);
      assertEquals(-1, watching.indexOf("SIGHUP"), "no promise it cannot keep: " + watching);
      int mark = p.mark();
      Files.writeString(file, config("api.example.com", "www.example.com"));
      p.awaitLineAfter(mark, "config reloaded (file change)", WAIT);
      assertEquals(200, RawHttp.get(port, "www.example.com", "/").status(), "edits still apply");
    }
  }

  @Test
  void sigtermDrainsRequestsInFlightAndExitsZero() throws Exception {
    Files.writeString(file, config("api.example.com") + "shutdown:\n  drain: 20s\n");
    try (JavaProcess p = startGateway(); RawHttp slow = new RawHttp(port); RawHttp idle = new RawHttp(port)) {
      assertEquals(200, idle.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      slow.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: api.example.com", null);
      assertTrue(nodes.awaitRequest(10), "the slow request reached a node");
      p.signal("TERM");
      p.awaitLine("draining", WAIT);
      RawHttp.Response r = slow.read(false);
      assertEquals(200, r.status(), "the request in flight finished");
      assertEquals("close", r.header("connection"), "and its connection is closed politely");
      assertTrue(idle.closedByServer(), "an idle keep-alive connection is closed");
      assertEquals(0, p.awaitExit(WAIT), "exit 0 after a graceful stop");
      assertTrue(p.output().stream().anyMatch(l -> l.contains("drained in")), p.output().toString());
    }
  }

  @Test
  void withKeepAcceptingASigtermTurnsReady503ButNewConnectionsAreStillServed() throws Exception {
    int admin = Configs.freePort();
    // Long enough that the checks below fall inside it on a slow machine; a second SIGTERM ends the test.
    Files.writeString(file, config("api.example.com") + "admin: \"127.0.0.1:" + admin + "\"\n"
        + "shutdown:\n  keepAccepting: 60s\n  drain: 5s\n");
    try (JavaProcess p = startGateway()) {
      assertEquals(200, RawHttp.get(admin, "localhost", "/ready").status());
      p.signal("TERM");
      p.awaitLine("still accepting for 60000 ms", WAIT);
      assertEquals(503, RawHttp.get(admin, "localhost", "/ready").status(), "whatever routes here moves away");
      try (RawHttp fresh = new RawHttp(port)) {
        RawHttp.Response r = fresh.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false);
        assertEquals(200, r.status(), "a new connection is still served");
        assertEquals("close", r.header("connection"), "and told to go");
      }
      assertTrue(p.output().stream().noneMatch(l -> l.contains("no new connections")), p.output().toString());
      p.signal("TERM");
      assertEquals(1, p.awaitExit(WAIT), "a second SIGTERM stops at once");
    }
  }

  @Test
  void statusPrintsWhatIsServedAndFailsWhenADomainHasNoHealthyNode() throws Exception {
    int admin = Configs.freePort();
    Files.writeString(file, config("api.example.com").replace("nodePort: " + nodes.port() + "\n", "nodePort: "
        + nodes.port() + "\n    healthCheck: {interval: 1s, timeout: 500ms, unhealthyThreshold: 1}\n")
        + "admin: \"127.0.0.1:" + admin + "\"\n");
    try (JavaProcess p = startGateway()) {
      assertEquals(200, RawHttp.get(port, "api.example.com", "/").status());
      JavaProcess ok = JavaProcess.run(dir, "status", "--admin", "127.0.0.1:" + admin);
      String table = String.join("\n", ok.stdout());
      assertEquals(0, ok.exitCode(), table + ok.stderr());
      assertTrue(table.contains("api.example.com") && table.contains("3/3"), table);
      for (String node : nodes.addresses()) {
        assertTrue(table.contains(node + ":" + nodes.port()), table);
      }

      int mark = p.mark();
      for (int i = 0; i < 3; i++) {
        nodes.stop(i);
      }
      for (String node : nodes.addresses()) {
        p.awaitLineAfter(mark, "node " + node + " on :" + nodes.port() + " DOWN", WAIT);
      }
      JavaProcess down = JavaProcess.run(dir, "status", "--admin", "127.0.0.1:" + admin);
      String after = String.join("\n", down.stdout());
      assertEquals(1, down.exitCode(), after);
      assertTrue(after.contains("0/3") && after.contains("no healthy node") && after.contains("connect refused"), after);
    }
    JavaProcess gone = JavaProcess.run(dir, "status", "--admin", "127.0.0.1:" + admin);
    assertEquals(2, gone.exitCode(), "the gateway is gone: the admin API cannot be reached");
    assertTrue(String.join("\n", gone.stderr()).contains("cannot reach"), gone.stderr().toString());
  }
}
