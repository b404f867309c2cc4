package io.edgeport.health;

import static io.edgeport.health.NodeHealth.Status.DOWN;
import static io.edgeport.health.NodeHealth.Status.UP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.balance.Endpoint;
import io.edgeport.model.BackendRef;
import io.edgeport.model.Domain;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.routing.BackendResolver;
import io.edgeport.routing.BackendResolver.Resolved;
import io.edgeport.routing.Resolutions;
import io.edgeport.support.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry with a scripted probe: sharing of checkers, state across updates, the healthy subset. */
@ExtendWith(VertxExtension.class)
class HealthRegistryTest {
  static final HealthCheck FAST = new HealthCheck(null, null, Duration.ofMillis(50), Duration.ofMillis(50), 1, 1);
  static final long RAMP = 60_000_000_000L; // a slow start of 60 s on the test's clock

  /** The registry's clock: it moves only when a test moves it. */
  final AtomicLong clock = new AtomicLong(1_000);

  Context context;
  HealthRegistry registry;
  /** Nodes whose probe fails; everything else passes. */
  final Set<String> failing = ConcurrentHashMap.newKeySet();
  final Map<CheckKey, Integer> probes = new ConcurrentHashMap<>();
  volatile boolean answerOnlyFirstProbes;

  @BeforeEach
  void start(Vertx vertx) {
    context = vertx.getOrCreateContext();
    registry = new HealthRegistry(vertx, context, (key, host) -> {
      if (probes.merge(key, 1, Integer::sum) > 1 && answerOnlyFirstProbes) {
        return Promise.<Probe.Result>promise().future(); // never answers
      }
      return Future.succeededFuture(failing.contains(key.node()) ? Probe.Result.failed("connect refused") : Probe.Result.OK);
    }, clock::get);
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    context.runOnContext(v -> {
      registry.close();
      ctx.completeNow();
    });
  }

  /** Runs {@code work} on the registry's context, where all its work runs, and waits for the result. */
  <T> T onContext(Callable<T> work) throws Exception {
    return Future.<T>future(p -> context.runOnContext(v -> {
      try {
        p.complete(work.call());
      } catch (Exception e) {
        p.fail(e);
      }
    })).await(10, TimeUnit.SECONDS);
  }

  void updateAndAwaitResults(List<Domain> domains, List<String> nodes) throws Exception {
    Future.<Void>future(p -> context.runOnContext(v -> {
      registry.update(domains, nodes, Resolutions.of(domains, BackendResolver.STATIC));
      registry.firstResults(10_000).onComplete(p);
    })).await(15, TimeUnit.SECONDS);
  }

  static Resolved resolved(Domain d) {
    return (Resolved) BackendResolver.STATIC.resolve(d.paths().get(0).backend());
  }

  static Domain domain(String host, int nodePort) {
    return new Domain(host, List.of(PathRule.everything(new BackendRef(nodePort, LoadBalancing.ROUND_ROBIN, FAST))));
  }

  @Test
  void domainsOnTheSameNodePortAndCheckShareOneChecker() throws Exception {
    updateAndAwaitResults(List.of(domain("a.example.com", 30005), domain("b.example.com", 30005),
        domain("c.example.com", 30006)), List.of("10.0.0.1", "10.0.0.2"));
    assertEquals(Set.of("10.0.0.1 on :30005", "10.0.0.2 on :30005", "10.0.0.1 on :30006", "10.0.0.2 on :30006"),
        registry.statuses().keySet());
  }

  @Test
  void onlyUpNodesAreHandedOutAndAllWhenNoneIsUp(VertxTestContext ctx) throws Exception {
    failing.add("10.0.0.2");
    updateAndAwaitResults(List.of(domain("a.example.com", 30005)), List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    Resolved ref = resolved(domain("a.example.com", 30005));
    List<String> nodes = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3");
    assertEquals(List.of("10.0.0.1:30005", "10.0.0.3:30005"),
        onContext(() -> registry.endpoints(ref, nodes)).stream().map(Endpoint::toString).toList());
    registry.onChange(() -> { // on the registry's context
      if (registry.statuses().values().stream().allMatch(s -> s == DOWN)) {
        ctx.verify(() -> {
          assertEquals(3, registry.endpoints(ref, nodes).size(), "fail-open");
          ctx.completeNow();
        });
      }
    });
    failing.addAll(nodes);
  }

  /** Waits until {@code key}'s status is {@code status}, then for the registry to have handled that change. */
  void awaitStatus(String key, NodeHealth.Status status) throws Exception {
    Poll.until(() -> registry.statuses().get(key) == status, 10, key + " " + status);
    onContext(() -> null); // the change's work (its ramp, say) runs on the context in the same task
  }

  @Test
  void aNodeThatComesBackStartsItsSlowStartRamp() throws Exception {
    Domain d = domain("a.example.com", 30005);
    Resolved ref = resolved(d);
    List<String> nodes = List.of("10.0.0.1", "10.0.0.2");
    updateAndAwaitResults(List.of(d), nodes);
    Endpoint endpoint = onContext(() -> registry.endpoints(ref, nodes)).get(0);
    assertEquals(1.0, endpoint.rampWeight(clock.get(), RAMP), "UP from the start: its full share");

    failing.add("10.0.0.1");
    awaitStatus("10.0.0.1 on :30005", DOWN);
    assertEquals(List.of("10.0.0.2:30005"), onContext(() -> registry.endpoints(ref, nodes)).stream()
        .map(Endpoint::toString).toList(), "out of service while DOWN");

    long back = clock.addAndGet(5_000_000_000L);
    failing.clear(); // its next check passes: it comes back
    awaitStatus("10.0.0.1 on :30005", UP);
    List<Endpoint> serving = onContext(() -> registry.endpoints(ref, nodes));
    assertEquals(List.of(endpoint, serving.get(1)), serving, "back in service, as the same endpoint");
    assertEquals(0.1, endpoint.rampWeight(back, RAMP), "its share starts again from 10 % when it comes back");
    assertEquals(0.5, endpoint.rampWeight(back + RAMP / 2, RAMP), "half of it half-way through the ramp");
    assertEquals(1.0, endpoint.rampWeight(back + RAMP, RAMP), "all of it once the ramp is over");
  }

  @Test
  void aNodeJoiningLaterStartsItsSlowStartRampOneThereAtTheStartDoesNot() throws Exception {
    Domain d = domain("a.example.com", 30005);
    Resolved ref = resolved(d);
    updateAndAwaitResults(List.of(d), List.of("10.0.0.1"));
    Endpoint first = onContext(() -> registry.endpoints(ref, List.of("10.0.0.1"))).get(0);
    assertEquals(1.0, first.rampWeight(clock.get(), RAMP), "there at the start: no ramp");
    updateAndAwaitResults(List.of(d), List.of("10.0.0.1", "10.0.0.2"));
    Endpoint joined = onContext(() -> registry.endpoints(ref, List.of("10.0.0.2"))).get(0);
    assertEquals(0.1, joined.rampWeight(clock.get(), RAMP), "a node joining later ramps up from 10 %");
  }

  @Test
  void checkerStateAndEndpointsSurviveAnUpdateForNodesThatStay() throws Exception {
    answerOnlyFirstProbes = true; // after its first result a node's status can only change by a new checker
    failing.add("10.0.0.2");
    Domain d = domain("a.example.com", 30005);
    Resolved ref = resolved(d);
    updateAndAwaitResults(List.of(d), List.of("10.0.0.1", "10.0.0.2"));
    // asked alone, a DOWN node is handed out (fail-open): a way to get at its endpoint
    Endpoint kept = onContext(() -> registry.endpoints(ref, List.of("10.0.0.2"))).get(0);
    failing.clear(); // a fresh checker of 10.0.0.2 would now find it UP
    updateAndAwaitResults(List.of(d), List.of("10.0.0.2", "10.0.0.3"));
    assertEquals(Map.of("10.0.0.2 on :30005", DOWN, "10.0.0.3 on :30005", UP), registry.statuses(),
        "10.0.0.2 kept its DOWN, 10.0.0.1 is no longer checked, 10.0.0.3 was checked at once");
    assertSame(kept, onContext(() -> registry.endpoints(ref, List.of("10.0.0.2"))).get(0),
        "its endpoint, and so its in-flight count, is kept too");
  }
}
