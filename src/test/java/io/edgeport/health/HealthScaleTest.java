package io.edgeport.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.model.BackendRef;
import io.edgeport.model.Domain;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.routing.BackendResolver;
import io.edgeport.routing.Resolutions;
import io.edgeport.support.Configs;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 1,000 nodes × 10 backends = 10,000 checks, with real TCP probes (to loopback addresses 127.1.x.y
 * where nothing listens, so each is refused). Not timed: it shows the checks all run, on the event
 * loop, with a bounded number of threads.
 */
class HealthScaleTest {

  @Test
  void tenThousandChecksNeedNoThreadPerCheck() throws Exception {
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      nodes.add("127.1." + (i / 250) + "." + (i % 250 + 1));
    }
    java.util.Set<Integer> ports = new java.util.LinkedHashSet<>();
    while (ports.size() < 10) {
      ports.add(Configs.freePort()); // ten distinct ones: two equal backends would share their checkers
    }
    List<Domain> domains = new ArrayList<>();
    for (int port : ports) {
      domains.add(new Domain("app" + port + ".example.com", List.of(PathRule.everything(
          new BackendRef(port, LoadBalancing.ROUND_ROBIN, HealthCheck.DEFAULT)))));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      NetworkProbe probe = new NetworkProbe(vertx);
      HealthRegistry registry = new HealthRegistry(vertx, context, probe, System::nanoTime);
      int before = threads.getThreadCount();
      threads.resetPeakThreadCount();
      CompletableFuture<Void> known = new CompletableFuture<>();
      context.runOnContext(v -> {
        registry.update(domains, nodes, Resolutions.of(domains, BackendResolver.STATIC));
        registry.firstResults(60_000).onComplete(r -> known.complete(null));
      });
      known.get(90, TimeUnit.SECONDS);
      Map<String, NodeHealth.Status> statuses = registry.statuses();
      assertEquals(10_000, statuses.size());
      assertTrue(statuses.values().stream().allMatch(s -> s == NodeHealth.Status.DOWN),
          "every check ran and found its closed port");
      int added = threads.getPeakThreadCount() - before;
      assertTrue(added <= 8, "checks started " + added + " threads");
      context.runOnContext(v -> registry.close());
      probe.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
