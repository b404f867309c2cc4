package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Blackhole;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import io.edgeport.support.RawHttp.Response;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Nodes that stop, restart or stall, with real sockets. Each test has its own nodes and gateway. */
class FailoverEndToEndTest extends LiveNodesTest {

  void startGateway(String timeouts) throws Exception {
    startGateway("""
        listen:
          http: "127.0.0.1:0"
        timeouts:
        %s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(timeouts, Configs.nodes(nodes), nodes.port()), 2);
  }

  /** Sends {@code total} GETs over {@code parallel} connections at once; returns the count per status and node. */
  Map<String, Integer> burst(int total, int parallel) throws Exception {
    Map<String, Integer> outcome = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        done.add(pool.submit(() -> {
          Response r = RawHttp.get(gateway.port(), "api.example.com", "/");
          String key = r.status() == 200 ? new JsonObject(r.text()).getString("node") : "status " + r.status();
          outcome.merge(key, 1, Integer::sum);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return outcome;
  }

  @Test
  void aStoppedNodeCostsNoFailedRequest() throws Exception {
    startGateway("  connect: 2s");
    assertEquals(3, burst(30, 10).size(), "warm-up reaches every node, so the pool holds connections to all");
    nodes.stop(1);
    int[] before = {nodes.requests(0), nodes.requests(2)};
    Map<String, Integer> outcome = burst(200, 50);
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), outcome.keySet(), "every request answered 200: " + outcome);
    assertEquals(Map.of("127.0.0.2", nodes.requests(0) - before[0], "127.0.0.4", nodes.requests(2) - before[1]),
        outcome, "each request reached one node, once: what the nodes received adds up to what the clients saw");
  }

  @Test
  void aRestartedNodeServesAgainWithoutFailures() throws Exception {
    startGateway("  connect: 2s");
    burst(30, 10);
    nodes.stop(0);
    burst(30, 10);
    nodes.start(0); // the pool may still remember connections from before the stop
    Map<String, Integer> outcome = burst(60, 10);
    assertFalse(outcome.keySet().stream().anyMatch(k -> k.startsWith("status")), outcome.toString());
    // when health checks let it back in is HealthEndToEndTest's matter
  }

  @Test
  void allNodesDownAnswers502WithoutWaitingForTimeouts() throws Exception {
    startGateway("  connect: 10s");
    for (int i = 0; i < 3; i++) {
      nodes.stop(i);
    }
    long start = System.nanoTime();
    Response r = RawHttp.get(gateway.port(), "api.example.com", "/");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(502, r.status());
    assertTrue(millis < 10_000, "took " + millis + " ms: refused connects must not wait for the connect timeout");
    assertEquals("502 Bad Gateway\n", r.text(), "short, plain, no internals");
  }

  @Test
  void nodesThatDropConnectsShareOneConnectTimeout() throws Exception {
    List<Blackhole> holes = new ArrayList<>();
    try {
      for (String address : List.of("127.0.0.5", "127.0.0.6", "127.0.0.7")) {
        holes.add(new Blackhole(address, nodes.port()));
      }
      startGateway("""
          listen:
            http: "127.0.0.1:0"
          timeouts:
            connect: 1500ms
          nodes: [127.0.0.5, 127.0.0.6, 127.0.0.7]
          domains:
            - host: api.example.com
              nodePort: %d
          """.formatted(nodes.port()), 1);
      long start = System.nanoTime();
      Response r = RawHttp.get(gateway.port(), "api.example.com", "/");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(502, r.status());
      assertTrue(millis < 3000, "took " + millis + " ms; three attempts in series would take 4500");
    } finally {
      for (Blackhole h : holes) {
        h.close();
      }
    }
  }

  @Test
  void aNodeThatDropsConnectsCostsNoFailedRequest() throws Exception {
    try (Blackhole hole = new Blackhole("127.0.0.5", nodes.port())) {
      startGateway("""
          listen:
            http: "127.0.0.1:0"
          timeouts:
            connect: 600ms
          nodes: [127.0.0.2, 127.0.0.5, 127.0.0.3]
          domains:
            - host: api.example.com
              nodePort: %d
          """.formatted(nodes.port()), 1);
      Map<String, Integer> outcome = burst(12, 4);
      assertEquals(Set.of("127.0.0.2", "127.0.0.3"), outcome.keySet(), outcome.toString());
    }
  }

  @Test
  void aSlowNodeAnswers504AfterTheResponseTimeout() throws Exception {
    startGateway("  response: 300ms");
    Response r = RawHttp.get(gateway.port(), "api.example.com", "/slow?ms=5000");
    assertEquals(504, r.status());
    assertEquals("504 Gateway Timeout\n", r.text());
    assertEquals(200, RawHttp.get(gateway.port(), "api.example.com", "/slow?ms=1").status(),
        "a response within the timeout still passes");
  }

  @Test
  void onlyTheRequestsThatExceedTheResponseTimeoutFail() throws Exception {
    startGateway("  response: 400ms");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> slow = new ArrayList<>();
      List<Future<Integer>> quick = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        slow.add(pool.submit(() -> RawHttp.get(gateway.port(), "api.example.com", "/slow?ms=3000").status()));
        quick.add(pool.submit(() -> RawHttp.get(gateway.port(), "api.example.com", "/slow?ms=50").status()));
      }
      for (int i = 0; i < 3; i++) {
        assertEquals(504, slow.get(i).get(20, TimeUnit.SECONDS));
        assertEquals(200, quick.get(i).get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
