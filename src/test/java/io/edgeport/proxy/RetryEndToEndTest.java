package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.Edgeport;
import io.edgeport.support.Configs;
import io.edgeport.support.NodeProcesses;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Nodes that die for real (separate processes, SIGKILLed) with requests in flight: what is retried
 * on another node, what never is, and how far the retry budget lets a failing cluster be hammered.
 */
class RetryEndToEndTest {
  static final long WAIT = 30;

  @TempDir
  Path dir;
  Vertx vertx;
  NodeProcesses nodes;
  Edgeport gateway;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    nodes = new NodeProcesses(dir, 3);
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close().await(20, TimeUnit.SECONDS);
    }
    nodes.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  void startGateway(String retry) throws Exception {
    gateway = Edgeport.start(vertx, Configs.load(dir, """
        listen:
          http: "127.0.0.1:0"
        timeouts:
          connect: 1s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
            healthCheck: {interval: 1s, timeout: 500ms, healthyThreshold: 1, unhealthyThreshold: 1}
        %s
        """.formatted(Configs.nodes(nodes.addresses()), nodes.port(), retry.indent(4))), 2).await(40, TimeUnit.SECONDS);
  }

  /**
   * Sends requests (each on its own connection) until one is held by node 0; returns its pending answer.
   * The others are answered by nodes 1 and 2 at once.
   */
  CompletableFuture<RawHttp.Response> heldByNode0(String head, byte[] body) throws Exception {
    for (int i = 0; i < 10; i++) {
      int heldBefore = held(0);
      CompletableFuture<RawHttp.Response> answer = CompletableFuture.supplyAsync(() -> {
        try (RawHttp client = new RawHttp(gateway.port())) {
          return client.send(head, body).read(false);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      Poll.until(() -> answer.isDone() || held(0) > heldBefore, WAIT, "an answer, or node 0 holding the request");
      if (held(0) > heldBefore) {
        return answer;
      }
    }
    throw new AssertionError("node 0 never got a request");
  }

  void nodeZeroHoldsTheOthersServe() throws Exception {
    nodes.start(0, "hold");
    nodes.start(1, "serve");
    nodes.start(2, "serve");
  }

  int held(int node) {
    return (int) nodes.process(node).stdout().stream().filter(l -> l.startsWith("held ")).count();
  }

  int seen(int node, String method) {
    return (int) nodes.process(node).stdout().stream().filter(l -> l.startsWith("request " + method + " ")).count();
  }

  @Test
  void aGetHeldByANodeThatDiesIsAnsweredByAnotherNode() throws Exception {
    nodeZeroHoldsTheOthersServe();
    startGateway("");
    CompletableFuture<RawHttp.Response> answer = heldByNode0("GET /held HTTP/1.1\r\nHost: api.example.com", null);
    nodes.kill(0);
    RawHttp.Response r = answer.get(WAIT, TimeUnit.SECONDS);
    assertEquals(200, r.status());
    assertNotEquals("node-1", new JsonObject(r.text()).getString("node"));
    assertEquals(1L, gateway.traffic().totals().retries().get("reset"));
  }

  @Test
  void aPutHeldByANodeThatDiesArrivesByteIdenticalAtTheNext() throws Exception {
    nodeZeroHoldsTheOthersServe();
    startGateway("");
    byte[] body = TestNodes.pattern(0, 10 * 1024);
    CompletableFuture<RawHttp.Response> answer = heldByNode0(
        "PUT /items/7 HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: " + body.length, body);
    String heldLine = nodes.process(0).stdout().stream().filter(l -> l.startsWith("held PUT")).findFirst().orElseThrow();
    nodes.kill(0);
    RawHttp.Response r = answer.get(WAIT, TimeUnit.SECONDS);
    assertEquals(200, r.status());
    JsonObject echo = new JsonObject(r.text());
    assertEquals("PUT", echo.getString("method"));
    assertEquals(body.length, echo.getLong("bodyBytes"));
    assertEquals(RawHttp.hex(RawHttp.sha256().digest(body)), echo.getString("bodySha256"));
    assertEquals(heldLine.substring(heldLine.lastIndexOf(' ') + 1), echo.getString("requestId"),
        "the same X-Request-Id on both tries");
  }

  @Test
  void aPostIsNeverSentTwice() throws Exception {
    nodeZeroHoldsTheOthersServe();
    startGateway("");
    int before = seen(1, "POST") + seen(2, "POST");
    CompletableFuture<RawHttp.Response> answer = heldByNode0(
        "POST /orders HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 5", "order".getBytes());
    nodes.kill(0);
    assertEquals(502, answer.get(WAIT, TimeUnit.SECONDS).status());
    assertEquals(before, seen(1, "POST") + seen(2, "POST"), "no other node ever saw the POST that died with node 0");
  }

  @Test
  void aBodyOverMaxBodyBytesIsNotRetried() throws Exception {
    nodeZeroHoldsTheOthersServe();
    startGateway("retry: {maxBodyBytes: 1KiB}");
    byte[] body = TestNodes.pattern(0, 10 * 1024);
    int before = seen(1, "PUT") + seen(2, "PUT");
    CompletableFuture<RawHttp.Response> answer = heldByNode0(
        "PUT /big HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: " + body.length, body);
    nodes.kill(0);
    assertEquals(502, answer.get(WAIT, TimeUnit.SECONDS).status(), "it streamed: nothing to send again");
    assertEquals(before, seen(1, "PUT") + seen(2, "PUT"));
  }

  @Test
  void whenEveryNodeResetsEveryRequestTheBudgetBoundsTheAttempts() throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes.start(i, "reset");
    }
    startGateway("retry: {budget: {percent: 20, minPerSecond: 1}}");
    int requests = 100;
    for (int i = 0; i < requests; i++) {
      assertEquals(502, RawHttp.get(gateway.port(), "api.example.com", "/r" + i).status());
    }
    int seen = 0;
    for (int i = 0; i < 3; i++) {
      seen += seen(i, "GET");
    }
    // without a budget, 3 tries each: 300. The budget allows 20 % of the requests plus 1 a second over 10 s.
    assertTrue(seen >= requests && seen <= requests + requests * 20 / 100 + 10,
        "the nodes saw " + seen + " tries of " + requests + " requests");
    assertTrue(gateway.traffic().totals().budgetExhausted() > 0);
  }

  @Test
  void manyClientsSeeNoErrorWhileTwoNodesAreKilledAndRestarted() throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes.start(i, "serve");
    }
    startGateway("");
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    for (int c = 0; c < 16; c++) {
      clients.add(CompletableFuture.runAsync(() -> {
        RawHttp client = null;
        for (int i = 0; i < 100_000 && !stop.get() && System.nanoTime() < end; i++) {
          try {
            if (client == null) {
              client = new RawHttp(gateway.port());
            }
            RawHttp.Response r = client.send("GET /c HTTP/1.1\r\nHost: api.example.com", null).read(false);
            int status = r.status();
            if ("close".equals(r.header("connection"))) {
              client.close(); // the connection's last request (limits.maxRequestsPerConnection): a new one next
              client = null;
            }
            if (status == 200) {
              ok.incrementAndGet();
            } else {
              failures.add("status " + status);
            }
          } catch (IOException e) {
            failures.add(e.toString());
            client = null;
          }
        }
      }, java.util.concurrent.Executors.newCachedThreadPool()));
    }
    // the chaos follows the traffic, not a clock: each step after a few hundred more answered requests
    int[] steps = {500, 1500, 2500, 3500, 4500};
    Poll.until(() -> ok.get() >= steps[0], WAIT, "traffic");
    nodes.kill(0);
    Poll.until(() -> ok.get() >= steps[1], WAIT, "traffic after node 1 died");
    nodes.start(0, "serve");
    Poll.until(() -> ok.get() >= steps[2], WAIT, "traffic after node 1 came back");
    nodes.kill(1);
    Poll.until(() -> ok.get() >= steps[3], WAIT, "traffic after node 2 died");
    nodes.start(1, "serve");
    Poll.until(() -> ok.get() >= steps[4], WAIT, "traffic after node 2 came back");
    stop.set(true);
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(WAIT, TimeUnit.SECONDS);
    assertEquals(List.of(), failures, "no request failed while nodes died; answered: " + ok.get());
  }

  @Test
  void a503IsRetriedOnlyWhenAskedFor() throws Exception {
    nodes.start(0, "unavailable");
    nodes.start(1, "serve");
    nodes.start(2, "serve");
    startGateway("retry: {on: [connect-failure, reset, 503]}");
    for (int i = 0; i < 9; i++) {
      assertEquals(200, RawHttp.get(gateway.port(), "api.example.com", "/x").status());
    }
    assertTrue(seen(0, "GET") > 0, "node 0 was asked, and its 503s were replaced");
    assertTrue(gateway.traffic().totals().retries().get("503") > 0);

    gateway.reload(Configs.load(dir, """
        listen:
          http: "127.0.0.1:0"
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(Configs.nodes(nodes.addresses()), nodes.port())), "test").await(20, TimeUnit.SECONDS);
    int unavailable = 0;
    for (int i = 0; i < 9; i++) {
      unavailable += RawHttp.get(gateway.port(), "api.example.com", "/x").status() == 503 ? 1 : 0;
    }
    assertTrue(unavailable > 0, "by default a node's 503 is its answer");
  }

  @Test
  void aTimeoutIsRetriedWhenAskedFor() throws Exception {
    nodeZeroHoldsTheOthersServe();
    gateway = Edgeport.start(vertx, Configs.load(dir, """
        listen:
          http: "127.0.0.1:0"
        timeouts:
          response: 2s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
            retry: {on: [connect-failure, reset, timeout]}
        """.formatted(Configs.nodes(nodes.addresses()), nodes.port())), 1).await(40, TimeUnit.SECONDS);
    for (int n = 1; n <= 2; n++) { // a node's first answer can be slow on a busy machine: not the timeout tested
      try (RawHttp direct = RawHttp.to(nodes.addresses().get(n), nodes.port())) {
        assertEquals(200, direct.send("GET /warm HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      }
    }
    for (int i = 0; i < 6; i++) {
      assertEquals(200, RawHttp.get(gateway.port(), "api.example.com", "/t").status());
    }
    assertTrue(held(0) > 0, "node 0 held requests, and they were answered elsewhere");
  }
}
