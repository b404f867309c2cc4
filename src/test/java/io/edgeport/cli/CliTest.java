package io.edgeport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeport.support.Command;
import io.edgeport.support.Configs;
import io.edgeport.support.JavaProcess;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestCertificates;
import io.edgeport.support.TestNodes;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users run it: real processes, real exit codes and output. */
class CliTest {
  @TempDir
  Path dir;

  /** Is SIGHUP ignored in the status lines of /proc/PID/status that {@code command} prints? */
  static boolean sighupIgnored(List<String> command) throws Exception {
    Command.Result r = Command.run(30, command);
    String mask = r.out().lines().filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow(() ->
        new AssertionError(r.output())).substring("SigIgn:".length()).trim();
    return (Long.parseUnsignedLong(mask, 16) & 1) != 0; // bit 0: signal 1, SIGHUP
  }

  @Test
  void binEdgeportRestoresTheSighupThatNohupIgnores() throws Exception {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\ngrep SigIgn /proc/self/status\n"); // a stand-in
    assertTrue(java.toFile().setExecutable(true));
    List<String> underNohup = List.of("env", "PATH=" + bin + ":" + System.getenv("PATH"),
        "EDGEPORT_JAR=" + Files.writeString(dir.resolve("edgeport.jar"), ""), "nohup");
    assertTrue(sighupIgnored(concat(underNohup, "java")), "nohup leaves it ignored, and a JVM would keep it so");
    assertTrue(!sighupIgnored(concat(underNohup, "sh", "bin/edgeport", "run")), "bin/edgeport starts java with it");
  }

  static List<String> concat(List<String> first, String... more) {
    List<String> all = new java.util.ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String cmd : List.of("run", "check", "demo", "status")) {
      JavaProcess p = JavaProcess.run(dir, cmd, "--help");
      assertEquals(0, p.exitCode(), cmd);
      assertTrue(String.join("\n", p.stdout()).contains("Usage: edgeport " + cmd), p.stdout().toString());
    }
    JavaProcess top = JavaProcess.run(dir, "--help");
    assertEquals(0, top.exitCode());
    String usage = String.join("\n", top.stdout());
    assertTrue(usage.contains("run") && usage.contains("check") && usage.contains("demo") && usage.contains("status"),
        usage);
  }

  @Test
  void checkPrintsEveryErrorWithItsLineAndFailsTheExitCode() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        nodes:
          - 10.0.0.1
        domains:
          - host: api.example.com
            nodePrt: 30005
          - host: api.example.com
            nodePort: 30005
        """);
    JavaProcess p = JavaProcess.run(dir, "check", "-c", file.toString());
    assertEquals(1, p.exitCode());
    List<String> err = p.stderr();
    assertTrue(err.contains(file + ":5:5: unknown key 'nodePrt' in a domain (did you mean 'nodePort'?)"), err.toString());
    assertTrue(err.contains(file + ":6:11: host 'api.example.com' is already configured at line 4"), err.toString());
  }

  @Test
  void checkReadsTheCertificateFilesAndNamesEachProblem() throws Exception {
    TestCertificates ca = TestCertificates.create(dir);
    TestCertificates.Leaf shop = ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "shop.example.com");
    TestCertificates.Leaf other = ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "other.example.com");
    Path file = dir.resolve("tls.yaml");
    Files.writeString(file, """
        listen: {https: ":8443"}
        tls:
          - hosts: [shop.example.com, www.example.com]
            cert: %s
            key: %s
          - hosts: [other.example.com]
            cert: %s
            key: %s
        nodes: [10.0.0.1]
        domains:
          - host: shop.example.com
            nodePort: 30005
        """.formatted(shop.cert(), shop.key(), other.cert(), shop.key()));
    JavaProcess p = JavaProcess.run(dir, "check", "-c", file.toString());
    assertEquals(1, p.exitCode());
    List<String> err = p.stderr();
    assertTrue(err.contains(file + ": tls (" + file + ":3): the certificate " + shop.cert() + " does not cover www.example.com (it"
        + " certifies [shop.example.com])"), err.toString());
    assertTrue(err.contains(file + ": tls (" + file + ":6): the key " + shop.key() + " does not belong to the"
        + " certificate " + other.cert()), err.toString());
  }

  @Test
  void checkOfAValidFilePrintsASummary() throws Exception {
    JavaProcess p = JavaProcess.run(Path.of("").toAbsolutePath(), "check");
    assertEquals(0, p.exitCode(), p.output().toString());
    assertEquals(List.of("config/edgeport.yaml: OK: 1 domain(s), 1 backend(s), 3 node(s), listening on :80, admin on"
        + " 127.0.0.1:9901"), p.stdout());
  }

  @Test
  void runServesTheConfiguredDomainsAndLogsWhereItListens() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestNodes nodes = TestNodes.start(vertx, 3)) {
      int port = Configs.freePort();
      Path file = Configs.write(dir, Configs.apiOn(port, nodes));
      try (JavaProcess p = JavaProcess.start(dir, "run", "--config", file.toString(), "--workers", "1")) {
        String started = p.awaitLine("listening on", 60);
        assertTrue(started.contains("http://127.0.0.1:" + port) && started.contains("1 domain(s) on 3 node(s)"), started);
        for (String node : nodes.addresses()) {
          p.awaitLine("node " + node + " on :" + nodes.port() + " UP", 30); // its first check passed
        }
        // the routing rebuild follows the last UP line within milliseconds: ask until every node answered (bounded)
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200 && seen.size() < 3; i++) {
          seen.add(new JsonObject(RawHttp.get(port, "api.example.com", "/").text()).getString("node"));
        }
        assertEquals(Set.copyOf(nodes.addresses()), seen);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStopLetsRequestsInFlightFinish() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestNodes nodes = TestNodes.start(vertx, 1)) {
      int port = Configs.freePort();
      Path file = Configs.write(dir, Configs.apiOn(port, nodes));
      try (JavaProcess p = JavaProcess.start(dir, "run", "-c", file.toString(), "--workers", "1")) {
        p.awaitLine("listening on", 60);
        try (RawHttp client = new RawHttp(port)) {
          client.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: api.example.com", null);
          assertTrue(nodes.awaitRequest(10), "the request reached the node");
          p.terminate();
          assertEquals(200, client.read(false).status(), "the request in flight is answered");
        }
        p.awaitExit(30);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void runRefusesABadConfigAndABusyPortWithAClearMessage() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "nodes: []\ndomains: []\n");
    JavaProcess refused = JavaProcess.run(dir, "run", "-c", bad.toString());
    assertEquals(1, refused.exitCode());
    assertTrue(refused.stderr().stream().anyMatch(l -> l.endsWith("not started")), refused.stderr().toString());

    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Path file = dir.resolve("ok.yaml");
      Files.writeString(file, "listen:\n  http: \"127.0.0.1:" + busy.getLocalPort() + "\"\nnodes: [127.0.0.2]\n"
          + "domains:\n  - host: a.example.com\n    nodePort: 30005\n");
      JavaProcess p = JavaProcess.run(dir, "run", "-c", file.toString());
      assertEquals(1, p.exitCode());
      String why = String.join("\n", p.stderr());
      assertTrue(why.contains("already in use") && why.contains("--port"), why);

      Path admin = dir.resolve("admin.yaml");
      Files.writeString(admin, "listen:\n  http: \"127.0.0.1:" + Configs.freePort() + "\"\nadmin: \"127.0.0.1:"
          + busy.getLocalPort() + "\"\nnodes: [127.0.0.2]\ndomains:\n  - host: a.example.com\n    nodePort: 30005\n");
      JavaProcess a = JavaProcess.run(dir, "run", "-c", admin.toString());
      assertEquals(1, a.exitCode());
      String adminWhy = String.join("\n", a.stderr());
      assertTrue(adminWhy.contains("admin: cannot listen on") && adminWhy.contains("--admin"), adminWhy);
    }
  }

  @Test
  void demoStartsThreeNodesBehindTheGateway() throws Exception {
    int port = Configs.freePort();
    int nodePort = Configs.freePort();
    int admin = Configs.freePort();
    try (JavaProcess p = JavaProcess.start(dir, "demo", "--port", String.valueOf(port), "--node-port",
        String.valueOf(nodePort), "--admin", "127.0.0.1:" + admin, "--workers", "1")) {
      p.awaitLine("listening on", 60);
      assertTrue(p.stdout().stream().anyMatch(l -> l.contains("curl -H 'Host: api.example.com' http://127.0.0.1:" + port)),
          p.stdout().toString());
      for (String node : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
        p.awaitLine("node " + node + " on :" + nodePort + " UP", 30); // every node's first check passed
      }
      Set<String> pages = new HashSet<>();
      for (int i = 0; i < 200 && pages.size() < 3; i++) { // as above: bounded, until every node answered
        RawHttp.Response r = RawHttp.get(port, "api.example.com", "/");
        assertEquals(200, r.status());
        pages.add(r.text().lines().findFirst().orElseThrow());
      }
      assertEquals(Set.of("Hello from node-1 (127.0.0.2:" + nodePort + ")", "Hello from node-2 (127.0.0.3:" + nodePort + ")",
          "Hello from node-3 (127.0.0.4:" + nodePort + ")"), pages);
    }
  }

  /**
   * The README's first command where port 80 is not allowed: root without CAP_NET_BIND_SERVICE (what makes port 80
   * fail for any other user), in a network namespace of its own so that the demo's own ports (8080, 9901, 30005) are
   * free whatever else runs on this machine. Requests reach it from inside that namespace (nsenter).
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theDemoListensOn8080WhenItMayNotListenOnPort80() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "a network namespace needs root");
    List<String> withoutPort80 = List.of("unshare", "--net", "sh", "-c",
        "ip link set lo up && exec setpriv --bounding-set=-net_bind_service --inh-caps=-net_bind_service \"$@\"",
        "sh");
    try (JavaProcess p = JavaProcess.startUnder(withoutPort80, dir, "demo", "--workers", "1")) {
      assertEquals("edgeport demo: cannot listen on port 80 (ports below 1024 need root or CAP_NET_BIND_SERVICE):"
          + " listening on 8080 instead (as root the demo takes port 80; --port picks another)",
          p.awaitLine("cannot listen on port 80", 60));
      assertTrue(p.awaitLine("edgeport listening on", 60).contains("on http://0.0.0.0:8080 "), p.output().toString());
      assertTrue(p.stdout().contains("  curl -H 'Host: api.example.com' http://127.0.0.1:8080/        # run it a few"
          + " times: node-1, node-2, node-3"), p.stdout().toString());
      for (String node : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
        p.awaitLine("node " + node + " on :30005 UP", 30);
      }
      String page = "";
      for (int i = 0; i < 50 && !page.startsWith("Hello from node-"); i++) { // bounded: until routing has the nodes
        page = curlIn(p.pid(), "-H", "Host: api.example.com", "http://127.0.0.1:8080/");
      }
      assertTrue(page.startsWith("Hello from node-"), page);
    }
    try (JavaProcess explicit = JavaProcess.startUnder(withoutPort80, dir, "demo", "--port", "80", "--workers", "1")) {
      String why = explicit.awaitLine("cannot start", 60);
      assertTrue(why.contains("permission denied") && why.contains("--port 8080"), why);
      assertEquals(1, explicit.awaitExit(30), "a port asked for with --port is not moved");
      assertTrue(explicit.output().stream().noneMatch(l -> l.contains("instead")), explicit.output().toString());
    }
  }

  /** curl in the network namespace of process {@code pid}: the body, or the error. */
  static String curlIn(long pid, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("nsenter", "--target", String.valueOf(pid), "--net", "curl",
        "-sS", "--max-time", "10"));
    cmd.addAll(List.of(args));
    return Command.run(30, cmd).output();
  }

  @Test
  void logLevelOverridesTheEnvironmentAndBadValuesAreRefused() throws Exception {
    JavaProcess bad = JavaProcess.run(dir, "demo", "--log-level", "loud");
    assertEquals(2, bad.exitCode());
    assertTrue(String.join("\n", bad.stderr()).contains("'loud' is not error, warn, info, debug or trace"),
        bad.stderr().toString());

    int admin = Configs.freePort();
    try (JavaProcess p = JavaProcess.start(dir, "demo", "--port", String.valueOf(Configs.freePort()), "--node-port",
        String.valueOf(Configs.freePort()), "--admin", "127.0.0.1:" + admin, "--workers", "1", "--log-level", "warn")) {
      Poll.until(() -> ready(admin), 60, "the demo is ready");
      // the test harness asks for DEBUG through EDGEPORT_LOG_LEVEL; --log-level wins
      assertTrue(p.stderr().stream().noneMatch(l -> l.contains(" INFO ") || l.contains(" DEBUG ")), p.stderr().toString());
    }
  }

  static boolean ready(int adminPort) {
    try (RawHttp client = new RawHttp(adminPort)) {
      return client.send("GET /ready HTTP/1.1\r\nHost: localhost", null).read(false).status() == 200;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
