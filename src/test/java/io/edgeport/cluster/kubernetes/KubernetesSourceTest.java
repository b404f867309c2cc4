package io.edgeport.cluster.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The source alone against the CRUD mock API: bursts become one cluster state, an unchanged one is not republished. */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(VertxExtension.class)
class KubernetesSourceTest {
  static final KubernetesConfig CONFIG = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of(), null, null,
      KubernetesConfig.NodeHealth.KUBE_PROXY, 10256);

  KubernetesClient client; // injected by the mock server extension
  Context context;
  KubernetesSource source;
  final List<ClusterState> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    context = vertx.getOrCreateContext();
    // a long debounce, so that a whole burst certainly falls into one window
    source = new KubernetesSource(vertx, context, CONFIG, client, 80, 0, published::add, () -> { }, 2000,
        KubernetesSource.GATEWAY_API_CHECK_MILLIS);
    context.runOnContext(v -> source.start(10_000).onComplete(ctx.succeedingThenComplete()));
  }

  /** Completes after the source's next rebuild of its view, whether or not that published anything. */
  Future<Void> nextRebuild() {
    Promise<Void> rebuilt = Promise.promise();
    source.afterRebuild(rebuilt::tryComplete);
    return rebuilt.future();
  }

  @Test
  void aBurstOfEventsIsOneStateAndAnUnchangedOneIsNotRepublished() throws Exception {
    assertEquals(1, published.size(), "the first, empty view");
    Future<Void> rebuilt = nextRebuild();
    for (int i = 1; i <= 20; i++) {
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n" + i).endMetadata().withNewStatus()
          .addNewAddress().withType("InternalIP").withAddress("10.0.0." + i).endAddress().endStatus().build()).create();
    }
    rebuilt.await(20, TimeUnit.SECONDS);
    assertEquals(2, published.size(), "20 node events, one rebuild");
    assertEquals(20, published.get(1).nodes().size());

    Future<Void> again = nextRebuild();
    client.nodes().withName("n1").edit(n -> new NodeBuilder(n).editMetadata().addToAnnotations("note", "irrelevant")
        .endMetadata().build());
    again.await(20, TimeUnit.SECONDS);
    assertEquals(2, published.size(), "an annotation changes nothing routing uses: nothing is republished");
  }
}
