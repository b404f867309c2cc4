package io.edgeport.health;

import static io.edgeport.health.NodeHealth.Status.DOWN;
import static io.edgeport.health.NodeHealth.Status.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Await;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Active and passive health checking with real nodes on 127.0.0.2-4. */
class HealthEndToEndTest extends LiveNodesTest {
  static final String HTTP_CHECK = """
      healthCheck:
            path: /healthz
            interval: 400ms
            timeout: 400ms
            healthyThreshold: 2
            unhealthyThreshold: 3""";

  void startGateway(String healthCheck) throws Exception {
    startGateway("""
        listen:
          http: "127.0.0.1:0"
        timeouts:
          connect: 1s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
            %s
        """.formatted(Configs.nodes(nodes), nodes.port(), healthCheck), 2);
  }

  String key(int node, String suffix) {
    return nodes.addresses().get(node) + " on :" + nodes.port() + suffix;
  }

  /** Which nodes answered {@code n} sequential requests; any non-200 fails the test. */
  Map<String, Integer> spread(int n) throws Exception {
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < n; i++) {
      RawHttp.Response r = RawHttp.get(gateway.port(), "api.example.com", "/");
      assertEquals(200, r.status(), r.text());
      perNode.merge(new JsonObject(r.text()).getString("node"), 1, Integer::sum);
    }
    return perNode;
  }

  @Test
  void aNodeFailingItsHealthCheckGetsNoTrafficUntilItPassesAgain() throws Exception {
    startGateway(HTTP_CHECK);
    assertEquals(3, spread(30).size());
    nodes.setHealthy(1, false); // still serves, but says it should not
    Await.node(gateway, key(1, " /healthz"), DOWN, 10);
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), spread(30).keySet());
    nodes.setHealthy(1, true);
    Await.node(gateway, key(1, " /healthz"), UP, 10);
    assertEquals(Map.of("127.0.0.2", 10, "127.0.0.3", 10, "127.0.0.4", 10), spread(30));
  }

  @Test
  void aStoppedNodeCosts200RequestsAtOnceNothingAndIsTakenOutAtOnce() throws Exception {
    startGateway("healthCheck: {interval: 1m, timeout: 1s}"); // active checks play no part here
    spread(30);
    nodes.stop(1);
    Map<String, Integer> outcome = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        sent.add(pool.submit(() -> {
          RawHttp.Response r = RawHttp.get(gateway.port(), "api.example.com", "/");
          outcome.merge(r.status() == 200 ? new JsonObject(r.text()).getString("node") : "status " + r.status(), 1,
              Integer::sum);
          return null;
        }));
      }
      for (Future<?> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), outcome.keySet(), outcome.toString());
    // a refused connect on live traffic took it out, long before the next active check
    Await.node(gateway, key(1, ""), DOWN, 5);
  }

  @Test
  void aRestartedNodeComesBack() throws Exception {
    startGateway(HTTP_CHECK);
    nodes.stop(2);
    Await.node(gateway, key(2, " /healthz"), DOWN, 10);
    assertEquals(Set.of("127.0.0.2", "127.0.0.3"), spread(20).keySet());
    nodes.start(2);
    Await.node(gateway, key(2, " /healthz"), UP, 10);
    assertEquals(3, spread(30).size());
  }

  @Test
  void aRestartedNodeComesBackWithASlowStart() throws Exception {
    // TCP checks with a long timeout: every node passes its first check even on a busy machine (one that failed it
    // would ramp up as well, when it passes)
    startGateway("healthCheck: {interval: 2s, timeout: 2s, healthyThreshold: 1, unhealthyThreshold: 1,"
        + " slowStart: 10m}");
    Await.health(gateway, h -> h.size() == 3 && h.values().stream().allMatch(s -> s == UP), 10);
    nodes.stop(2);
    Await.node(gateway, key(2, ""), DOWN, 10);
    nodes.start(2);
    Await.node(gateway, key(2, ""), UP, 10);
    Map<String, Integer> perNode = spread(600);
    int back = perNode.getOrDefault("127.0.0.4", 0);
    // its round-robin turns taken 10 % of the time at first (rising by 1 % every 6 s): about 20, never near 200
    assertTrue(back > 0 && back < 100, "back in service with a small share, not a third: " + perNode);
  }

  @Test
  void whenEveryNodeIsUnhealthyTrafficStillFlowsToAll() throws Exception {
    startGateway(HTTP_CHECK);
    for (int i = 0; i < 3; i++) {
      nodes.setHealthy(i, false);
    }
    Await.health(gateway, h -> h.values().stream().allMatch(s -> s == DOWN), 10);
    assertEquals(3, spread(30).size(), "fail-open: all nodes, rather than 503 for everyone");
  }

  @Test
  void whenEveryNodeIsStoppedTheAnswerIs502Quickly() throws Exception {
    startGateway(HTTP_CHECK);
    for (int i = 0; i < 3; i++) {
      nodes.stop(i);
    }
    Await.health(gateway, h -> h.values().stream().allMatch(s -> s == DOWN), 10);
    long start = System.nanoTime();
    assertEquals(502, RawHttp.get(gateway.port(), "api.example.com", "/").status());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 1000, "took " + millis + " ms, more than the connect timeout");
  }

  @Test
  void aTcpCheckSeesAClosedPortWithoutAnyTraffic() throws Exception {
    startGateway("healthCheck: {interval: 400ms, timeout: 400ms}");
    Await.health(gateway, h -> h.size() == 3 && h.values().stream().allMatch(s -> s == UP), 10);
    nodes.stop(0);
    Await.node(gateway, key(0, ""), DOWN, 10);
  }

  @Test
  void aNodeThatIsDeadAtStartNeverTakesARequest() throws Exception {
    nodes.stop(1);
    startGateway(HTTP_CHECK);
    assertEquals(DOWN, gateway.status().health().get(key(1, " /healthz")), "known before the first request");
    assertEquals(Set.of("127.0.0.2", "127.0.0.4"), spread(20).keySet());
  }

  @Test
  void withoutAHealthCheckNodesAreStillCheckedOverTcp() throws Exception {
    startGateway("");
    assertEquals(Map.of(key(0, ""), UP, key(1, ""), UP, key(2, ""), UP), gateway.status().health());
  }
}
