package io.edgeport.cluster.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.AcmeRequest;
import io.edgeport.model.ClusterState;
import io.edgeport.translate.KubernetesTranslator;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The source alone against the CRUD mock API: bursts become one cluster state, an unchanged one is not republished;
 * the Secrets it reads tell a missing one from one not read yet.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(VertxExtension.class)
class KubernetesSourceTest {
  static final KubernetesConfig CONFIG = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of(), "edgeport",
      null, KubernetesConfig.NodeHealth.KUBE_PROXY, 10256);

  KubernetesClient client; // injected by the mock server extension
  Context context;
  KubernetesSource source;
  final List<ClusterState> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    context = vertx.getOrCreateContext();
    // a long debounce, so that a whole burst certainly falls into one window
    source = new KubernetesSource(vertx, context, CONFIG, client, new GatewayApiTranslator.EdgeListeners(80, 0),
        published::add, () -> { }, 2000, KubernetesSource.GATEWAY_API_CHECK_MILLIS, false);
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

  /**
   * Two Ingresses opted into ACME: the one whose Secret the API says does not exist asks for an ACME certificate,
   * the one whose Secret exists is served from it; and no state published before that Secret was read asked for a
   * certificate for its host.
   */
  @Test
  void anAcmeRequestIsMadeOnlyForASecretThatDoesNotExist() throws Exception {
    client.secrets().resource(new SecretBuilder().withNewMetadata().withName("blog-tls").withNamespace("default")
        .endMetadata().withType("kubernetes.io/tls").addToData("tls.crt", "Q0VSVA==").addToData("tls.key", "S0VZ")
        .build()).create();
    for (String name : List.of("shop", "blog")) {
      client.network().v1().ingresses().resource(new IngressBuilder().withNewMetadata().withName(name)
          .withNamespace("default").addToAnnotations(KubernetesTranslator.ACME_ANNOTATION, "true").endMetadata()
          .withNewSpec().withIngressClassName("edgeport").addNewTl().withSecretName(name + "-tls").endTl()
          .addNewRule().withHost(name + ".example.com").withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
          .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
          .endBackend().endPath().endHttp().endRule().endSpec().build()).create();
    }
    ClusterState state = publishedUntil(s -> s.discoveredCertificates().size() == 1, 20);
    assertEquals(List.of(new AcmeRequest("shop.example.com", "ingress default/shop")), state.acmeRequests());
    assertEquals("ingress default/blog secret blog-tls", state.discoveredCertificates().get(0).origin());
    assertTrue(published.stream().flatMap(s -> s.acmeRequests().stream()).noneMatch(r -> r.host().startsWith("blog")),
        "a Secret not read yet is not taken for a missing one: " + published);
  }

  /** The last state published once it satisfies {@code wanted}, waiting on the source's rebuilds, at most that long. */
  ClusterState publishedUntil(Predicate<ClusterState> wanted, long seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      Future<Void> rebuilt = nextRebuild(); // before the check: a rebuild in between is not missed
      ClusterState last = published.get(published.size() - 1);
      if (wanted.test(last)) {
        return last;
      }
      rebuilt.await(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }
}
