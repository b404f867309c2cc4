package io.edgeport.cluster.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two sources compete for the Lease on the mock API: each hears on its own context when it starts or stops leading,
 * and their ACME stores default to the Lease's namespace.
 */
class LeadershipChangeTest {
  static final KubernetesConfig CONFIG = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of(), null,
      "203.0.113.1", KubernetesConfig.NodeHealth.KUBE_PROXY, 10256, null,
      new KubernetesConfig.LeaderElection("edgeport", "edgeport-status", Duration.ofSeconds(2)), null);

  Vertx vertx;
  KubernetesMockServer api;
  final List<Replica> replicas = new ArrayList<>();

  /** A source on its own context and client, and what its leadership listener saw each time it ran. */
  record Replica(io.vertx.core.Context context, KubernetesSource source, BlockingQueue<String> changes) {}

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    api.init(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws Exception {
    for (Replica r : replicas) {
      close(r);
    }
    try {
      api.destroy();
    } catch (IllegalStateException e) {
      // the mock's own wait on closing watches (see MockApiTest.stopApi): after the test, no edgeport code involved
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  Replica replica() throws Exception {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    // the client is the source's (it closes it)
    KubernetesSource source = new KubernetesSource(vertx, context, CONFIG, api.createClient(),
        new GatewayApiTranslator.EdgeListeners(80, 0), s -> { },
        () -> { }, false);
    BlockingQueue<String> changes = new LinkedBlockingQueue<>();
    Replica r = new Replica(context, source, changes);
    source.onLeadershipChange(() -> changes.add((source.writesStatus() ? "leads" : "follows")
        + (Vertx.currentContext() == context ? "" : " (not on its context)")));
    replicas.add(r);
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> source.start(20_000).onComplete(started));
    started.future().await(30, TimeUnit.SECONDS);
    return r;
  }

  static void close(Replica r) throws Exception {
    Promise<Void> closed = Promise.promise();
    r.context().runOnContext(v -> r.source().close().onComplete(closed));
    closed.future().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theListenerHearsOfTheLeaseTakenAndHandedOverOnItsContext() throws Exception {
    Replica a = replica();
    assertEquals("leads", a.changes().poll(20, TimeUnit.SECONDS), "the first replica takes the Lease");
    Replica b = replica();
    assertFalse(b.source().writesStatus());

    close(a); // it releases the Lease: the other takes it over
    replicas.remove(a);
    assertEquals("leads", b.changes().poll(20, TimeUnit.SECONDS), "the second one leads now, on its context");
    assertEquals("follows", a.changes().poll(20, TimeUnit.SECONDS), "the first one heard that it stopped");
    assertTrue(b.changes().isEmpty());

    assertEquals("edgeport", b.source().leaseNamespace());
    assertEquals("Secrets in edgeport", b.source().acmeStore(null).describe());
    assertNotEquals(b.source().acmeStore("acme").describe(), b.source().acmeStore(null).describe());
  }
}
