package io.edgeport.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.Edgeport;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.health.NodeHealth;
import io.edgeport.support.Await;
import io.edgeport.support.Configs;
import io.edgeport.support.Poll;
import io.edgeport.support.PrometheusText;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener over real sockets: metrics, status, probes and the dashboard's assets. */
@ExtendWith(VertxExtension.class)
class AdminApiTest {
  @TempDir
  Path dir;
  TestNodes nodes;
  Edgeport gateway;
  WebClient web;
  int adminPort;
  Path file;

  String config(int admin) {
    return """
        listen:
          http: "127.0.0.1:0"
        admin: "127.0.0.1:%d"
        %s
        domains:
          - host: api.example.com
            nodePort: %d
            healthCheck: {interval: 1s, timeout: 500ms, unhealthyThreshold: 1}
        """.formatted(admin, Configs.nodes(nodes), nodes.port());
  }

  EdgeportConfig load(String yaml) throws Exception {
    Files.writeString(file, yaml);
    return ConfigLoader.load(file).config();
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) throws Exception {
    nodes = TestNodes.start(vertx, 3);
    file = dir.resolve("edgeport.yaml");
    adminPort = Configs.freePort();
    web = WebClient.create(vertx);
    Edgeport.start(vertx, load(config(adminPort)), 2, new AdminServer(vertx, "edgeport test"))
        .onComplete(ctx.succeeding(g -> {
          gateway = g;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) throws Exception {
    nodes.close();
    gateway.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void metricsAreValidPrometheusTextAndCountTheRequestsJustSent(VertxTestContext ctx) throws Exception {
    for (int i = 0; i < 7; i++) {
      assertEquals(200, RawHttp.get(gateway.port(), "api.example.com", "/").status());
    }
    assertEquals(404, RawHttp.get(gateway.port(), "unknown.example.com", "/").status());
    web.get(adminPort, "127.0.0.1", "/metrics").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(200, res.statusCode());
      assertTrue(res.getHeader("content-type").startsWith("text/plain; version=0.0.4"));
      List<PrometheusText.Sample> samples = PrometheusText.parse(res.bodyAsString()); // every line
      assertEquals(7.0, PrometheusText.sum(samples, "edgeport_requests_total",
          Map.of("domain", "api.example.com", "code", "2xx")));
      assertEquals(1.0, PrometheusText.sum(samples, "edgeport_requests_total",
          Map.of("domain", "", "node", "", "code", "4xx")), "the 404 is counted without a domain or node");
      assertEquals(3, samples.stream().filter(s -> s.name().equals("edgeport_requests_total")
          && s.labels().get("domain").equals("api.example.com")).count(), "by node: round robin over three");
      assertEquals(7.0, PrometheusText.sum(samples, "edgeport_request_duration_seconds_count",
          Map.of("domain", "api.example.com")));
      assertEquals(7.0, PrometheusText.sum(samples, "edgeport_request_duration_seconds_bucket",
          Map.of("domain", "api.example.com", "le", "+Inf")));
      assertTrue(PrometheusText.sum(samples, "edgeport_sent_bytes_total", Map.of("domain", "api.example.com")) > 0);
      assertEquals(3.0, PrometheusText.sum(samples, "edgeport_node_up", Map.of()), "three nodes up");
      assertTrue(PrometheusText.sum(samples, "edgeport_health_checks_total", Map.of("result", "ok")) >= 3);
      for (String name : List.of("edgeport_connections_active", "edgeport_connections_total", "edgeport_retries_total",
          "edgeport_passive_ejections_total", "edgeport_config_reloads_total", "edgeport_access_log_dropped_total",
          "edgeport_generation", "jvm_memory_used_bytes", "edgeport_acme_orders_total",
          "edgeport_acme_renewals_total")) {
        assertTrue(samples.stream().anyMatch(s -> s.name().equals(name)), name + " is exported");
      }
      ctx.completeNow();
    })));
  }

  @Test
  void statusNamesTheNodesTheirHealthAndWhyOneIsOut(VertxTestContext ctx) throws Exception {
    nodes.stop(1);
    Await.node(gateway, "127.0.0.3 on :" + nodes.port(), NodeHealth.Status.DOWN, 15);
    assertEquals(200, RawHttp.get(gateway.port(), "api.example.com", "/").status());
    web.get(adminPort, "127.0.0.1", "/api/status").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(200, res.statusCode());
      JsonObject status = res.bodyAsJsonObject();
      assertTrue(status.getBoolean("ready"));
      assertEquals("static", status.getJsonObject("cluster").getString("source"));
      assertFalse(status.containsKey("acme"), "without acme: in the config");
      JsonObject domain = status.getJsonArray("domains").getJsonObject(0);
      assertEquals("api.example.com", domain.getString("host"));
      assertEquals(file + ":10", domain.getString("origin"), "where it is declared");
      assertTrue(domain.getBoolean("healthy"));
      JsonObject route = domain.getJsonArray("routes").getJsonObject(0);
      assertEquals(2, route.getInteger("nodesUp"));
      Map<String, JsonObject> byAddress = new java.util.HashMap<>();
      route.getJsonArray("nodes").forEach(n -> byAddress.put(((JsonObject) n).getString("address"), (JsonObject) n));
      assertEquals("UP", byAddress.get("127.0.0.2").getString("status"));
      assertTrue(byAddress.get("127.0.0.2").getBoolean("serving"));
      assertEquals("ok", byAddress.get("127.0.0.2").getString("lastResult"));
      assertNotNull(byAddress.get("127.0.0.2").getString("lastChecked"));
      JsonObject down = byAddress.get("127.0.0.3");
      assertEquals("DOWN", down.getString("status"));
      assertFalse(down.getBoolean("serving"));
      assertTrue(down.getString("reason").contains("connect refused"), down.encode());
      assertTrue(down.getString("notServingBecause").startsWith("DOWN"), down.encode());
      assertEquals(1L, domain.getLong("requests"));
      ctx.completeNow();
    })));
  }

  @Test
  void acmeHostsShowInStatusWithTheirStateAndFailedOrdersInMetrics(VertxTestContext ctx) throws Exception {
    int closed = Configs.freePort(); // nothing listens there: the order fails at once, and is not tried again for 1h
    // (the wildcard's default health check differs from api's in timing only: edgeport_node_up has one series each)
    gateway.reload(load(config(adminPort).replace("  http: \"127.0.0.1:0\"\n",
        "  http: \"127.0.0.1:0\"\n  https: \"127.0.0.1:0\"\n") + """
          - host: "*.apps.example.com"
            nodePort: %d
        acme:
          email: ops@example.com
          agreeToTerms: true
          directory: "https://127.0.0.1:%d/dir"
          retryBackoff: 1h
          storage: %s
        """.formatted(nodes.port(), closed, dir.resolve("acme"))), "test").await(20, TimeUnit.SECONDS);
    Poll.until(() -> gateway.acme().views().stream().anyMatch(h -> h.failures() == 1), 30, "the order failed");
    Checkpoint answered = ctx.checkpoint(2);
    web.get(adminPort, "127.0.0.1", "/api/status").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      JsonObject acme = res.bodyAsJsonObject().getJsonObject("acme");
      assertEquals("https://127.0.0.1:" + closed + "/dir", acme.getString("directory"));
      assertEquals(new JsonObject().put("succeeded", 0).put("failed", 1), acme.getJsonObject("orders"));
      assertEquals(0L, acme.getLong("renewals"));
      Map<String, JsonObject> byHost = new java.util.HashMap<>();
      acme.getJsonArray("hosts").forEach(h -> byHost.put(((JsonObject) h).getString("host"), (JsonObject) h));
      JsonObject failed = byHost.get("api.example.com");
      assertEquals("pending: the last order failed", failed.getString("state"), failed.encode());
      assertEquals(file + ":11", failed.getString("origin"), "where the domain is declared");
      assertEquals(1, failed.getInteger("failures"));
      assertNotNull(failed.getString("lastError"), failed.encode());
      assertTrue(java.time.Instant.parse(failed.getString("nextAttempt")).isAfter(java.time.Instant.now()),
          "tried again later: " + failed.encode());
      assertNull(failed.getString("notAfter"));
      assertNull(failed.getString("renewAt"));
      JsonObject wildcard = byHost.get("*.apps.example.com");
      assertEquals("not obtainable", wildcard.getString("state"), wildcard.encode());
      assertTrue(wildcard.getString("lastError").contains("DNS-01"), wildcard.encode());
      assertEquals(0, wildcard.getInteger("failures"));
      assertTrue(res.bodyAsJsonObject().getJsonArray("certificates").isEmpty(), "the placeholder is not listed");
      answered.flag();
    })));
    web.get(adminPort, "127.0.0.1", "/metrics").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      List<PrometheusText.Sample> samples = PrometheusText.parse(res.bodyAsString());
      assertEquals(1.0, PrometheusText.sum(samples, "edgeport_acme_orders_total", Map.of("result", "failure")));
      assertEquals(0.0, PrometheusText.sum(samples, "edgeport_acme_orders_total", Map.of("result", "success")));
      assertEquals(0.0, PrometheusText.sum(samples, "edgeport_acme_renewals_total", Map.of()));
      answered.flag();
    })));
  }

  @Test
  void probesAndDashboardAssets(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint(4);
    web.get(adminPort, "127.0.0.1", "/healthz").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(200, res.statusCode());
      answered.flag();
    })));
    web.get(adminPort, "127.0.0.1", "/ready").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(200, res.statusCode());
      answered.flag();
    })));
    web.get(adminPort, "127.0.0.1", "/").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(200, res.statusCode());
      assertTrue(res.getHeader("content-type").startsWith("text/html"));
      assertTrue(res.bodyAsString().contains("/dashboard.js"), "no CDN: its script comes from the jar");
      answered.flag();
    })));
    web.get(adminPort, "127.0.0.1", "/dashboard.js").send().onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(200, res.statusCode());
      assertTrue(res.bodyAsString().contains("/api/status"));
      answered.flag();
    })));
  }

  @Test
  void readyTurns503WhileDraining(VertxTestContext ctx) {
    gateway.drain()
        .compose(v -> web.get(adminPort, "127.0.0.1", "/ready").send())
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals(503, res.statusCode());
          assertEquals("draining\n", res.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void withKeepAcceptingTheListenerClosesOnlyAfterIt(VertxTestContext ctx) throws Exception {
    gateway.reload(load(config(adminPort) + "shutdown: {keepAccepting: 1s, drain: 5s}\n"), "test")
        .await(10, TimeUnit.SECONDS);
    int port = gateway.port();
    long started = System.nanoTime();
    gateway.drain().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(1), "accepting for keepAccepting");
      assertThrows(java.net.ConnectException.class, () -> RawHttp.get(port, "api.example.com", "/"), "then closed");
      ctx.completeNow();
    })));
    // (That new connections are served meanwhile is shown on a real process, with a window no machine misses.)
  }

  @Test
  void theAdminListenerFollowsReloads(VertxTestContext ctx) throws Exception {
    int moved = Configs.freePort();
    EdgeportConfig next = load(config(moved));
    gateway.reload(next, "test")
        .compose(v -> web.get(moved, "127.0.0.1", "/healthz").send())
        .onComplete(ctx.succeeding(res -> ctx.verify(() -> {
          assertEquals(200, res.statusCode(), "the new admin address serves");
          web.get(adminPort, "127.0.0.1", "/healthz").send()
              .onComplete(ctx.failing(e -> ctx.completeNow())); // and the old one is closed
        })));
    assertTrue(ctx.awaitCompletion(20, TimeUnit.SECONDS));
  }
}
