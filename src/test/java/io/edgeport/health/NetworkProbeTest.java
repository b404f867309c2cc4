package io.edgeport.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.model.HealthCheck;
import io.edgeport.support.Configs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The network probe against a real HTTP server: what counts as healthy, and how failures read in logs and status. */
@ExtendWith(VertxExtension.class)
class NetworkProbeTest {
  NetworkProbe probe;
  int port;
  final Map<String, String> hostHeaders = new ConcurrentHashMap<>();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    probe = new NetworkProbe(vertx);
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      hostHeaders.put(req.path(), req.headers().get("host"));
      switch (req.path()) {
        case "/ok" -> req.response().end("fine");
        case "/moved" -> req.response().setStatusCode(301).putHeader("location", "/elsewhere").end();
        case "/broken" -> req.response().setStatusCode(503).end("no");
        default -> { } // /hang: never answers
      }
    });
    server.listen(0, "127.0.0.2").onComplete(ctx.succeeding(s -> {
      port = s.actualPort();
      ctx.completeNow();
    }));
  }

  /** A timeout that /hang reaches and that a first, cold probe on a busy machine does not (300 ms did, 2 runs in 6). */
  CheckKey http(String path, int onPort) {
    return CheckKey.of("127.0.0.2", onPort,
        new HealthCheck(path, null, Duration.ofSeconds(2), Duration.ofSeconds(2), 1, 1));
  }

  void expect(VertxTestContext ctx, Checkpoint done, CheckKey key, boolean ok, String detail) {
    probe.check(key, "api.example.com").onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(ok, r.ok(), key + ": " + r.detail());
      assertEquals(detail, r.detail(), key.toString());
      done.flag();
    })));
  }

  @Test
  void twoAndThreeHundredsAreHealthyAndEverythingElseSaysWhy(VertxTestContext ctx) throws Exception {
    Checkpoint done = ctx.checkpoint(5);
    expect(ctx, done, http("/ok", port), true, "ok");
    expect(ctx, done, http("/moved", port), true, "ok"); // a redirect is not followed: the node answered
    expect(ctx, done, http("/broken", port), false, "HTTP 503");
    expect(ctx, done, http("/hang", port), false, "timeout");
    expect(ctx, done, http("/ok", Configs.freePort()), false, "connect refused");
  }

  @Test
  void httpChecksSendTheDomainAsHost(VertxTestContext ctx) {
    probe.check(http("/ok", port), "api.example.com").onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertTrue(r.ok());
      assertEquals("api.example.com", hostHeaders.get("/ok"));
      ctx.completeNow();
    })));
  }
}
