package io.edgeport.cluster.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.cluster.ClusterSnapshot;
import io.edgeport.config.KubernetesConfig;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The source alone against the CRUD mock API: bursts become one snapshot, unchanged views are not republished. */
@EnableKubernetesMockClient(crud = true)
class KubernetesSourceTest {
  static final KubernetesConfig CONFIG = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of(), null, null,
      KubernetesConfig.NodeHealth.KUBE_PROXY, 10256);

  KubernetesClient client; // injected by the mock server extension
  Vertx vertx;
  Context context;
  KubernetesSource source;
  final List<ClusterSnapshot> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    // a long debounce, so that a whole burst certainly falls into one window
    source = new KubernetesSource(vertx, context, CONFIG, client, published::add, () -> { }, 2000);
    CompletableFuture<Void> started = new CompletableFuture<>();
    context.runOnContext(v -> source.start(10_000).onComplete(r -> started.complete(null)));
    started.get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  CompletableFuture<Void> nextRebuild() {
    CompletableFuture<Void> rebuilt = new CompletableFuture<>();
    source.afterRebuild(() -> rebuilt.complete(null));
    return rebuilt;
  }

  @Test
  void aBurstOfEventsIsOneSnapshotAndAnUnchangedViewIsNotRepublished() throws Exception {
    assertEquals(1, published.size(), "the first, empty view");
    CompletableFuture<Void> rebuilt = nextRebuild();
    for (int i = 1; i <= 20; i++) {
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n" + i).endMetadata().withNewStatus()
          .addNewAddress().withType("InternalIP").withAddress("10.0.0." + i).endAddress().endStatus().build()).create();
    }
    rebuilt.get(20, TimeUnit.SECONDS);
    assertEquals(2, published.size(), "20 node events, one rebuild");
    assertEquals(20, published.get(1).nodes().size());

    CompletableFuture<Void> again = nextRebuild();
    client.nodes().withName("n1").edit(n -> new NodeBuilder(n).editMetadata().addToAnnotations("note", "irrelevant")
        .endMetadata().build());
    again.get(20, TimeUnit.SECONDS);
    assertEquals(2, published.size(), "an annotation changes nothing routing uses: nothing is republished");
  }
}
