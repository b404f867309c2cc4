package io.edgeport.cluster.kubernetes;

import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.edgeport.support.GatewayApiCrds;
import io.edgeport.support.Poll;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The source on a cluster without the Gateway API CRDs, which are installed while it runs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayApiInstalledLaterTest {
  static final KubernetesConfig CONFIG = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of(), null, null,
      KubernetesConfig.NodeHealth.KUBE_PROXY, 10256, "edgeport", KubernetesConfig.LeaderElection.DEFAULT, null);
  static final long CHECK_MILLIS = 200;

  final GatewayApiCrds crds = new GatewayApiCrds();
  final List<ClusterState> published = new CopyOnWriteArrayList<>();
  final ListAppender<ILoggingEvent> log = new ListAppender<>();
  Vertx vertx;
  KubernetesMockServer api;
  KubernetesClient client;
  io.vertx.core.Context context;
  KubernetesSource source;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), crds, false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    client = api.createClient();
    log.start();
    ((Logger) LoggerFactory.getLogger("edgeport.kubernetes")).addAppender(log);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("edgeport.kubernetes")).detachAppender(log);
    if (source != null) {
      Promise<Void> closed = Promise.promise();
      context.runOnContext(v -> source.close().onComplete(closed));
      closed.future().await(10, TimeUnit.SECONDS);
    }
    try {
      api.destroy();
    } catch (IllegalStateException e) {
      // the mock's own wait on closing watches (see MockApiTest.stopApi): after the test, no edgeport code involved
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  long warnings() {
    return log.list.stream().filter(e -> e.getFormattedMessage().contains("does not serve the Gateway API")).count();
  }

  @Test
  void itStartsWithoutThemLogsThatOnceAndFollowsThemOnceInstalled() throws Exception {
    context = vertx.getOrCreateContext();
    // the client is the source's (it closes it)
    source = new KubernetesSource(vertx, context, CONFIG, client, 80, 0, published::add, () -> { }, 50, CHECK_MILLIS, false);
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> source.start(20_000).onComplete(started));
    started.future().await(30, TimeUnit.SECONDS);
    assertEquals(List.of("gatewayclasses.gateway.networking.k8s.io/v1", "gateways.gateway.networking.k8s.io/v1",
        "httproutes.gateway.networking.k8s.io/v1", "referencegrants.gateway.networking.k8s.io/v1beta1"),
        source.missingGatewayApi());
    assertEquals("connected", source.apiState());
    int asked = crds.notFound();
    Poll.until(() -> crds.notFound() >= asked + 3 * 4, 20, "three more checks for the four kinds");
    assertEquals(1, warnings(), "what is missing is logged once, not at every check");

    crds.install();
    KubernetesClient kube = api.createClient();
    try {
      kube.services().resource(new ServiceBuilder().withNewMetadata().withName("api").withNamespace("default")
          .endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(80).withNodePort(30080).endPort()
          .endSpec().build()).create();
      kube.resources(GatewayClass.class).resource(new GatewayClassBuilder().withNewMetadata().withName("edgeport")
          .endMetadata().withNewSpec().withControllerName(GatewayApiTranslator.CONTROLLER).endSpec().build()).create();
      kube.resources(Gateway.class).resource(new GatewayBuilder().withNewMetadata().withName("edge")
          .withNamespace("default").endMetadata().withNewSpec().withGatewayClassName("edgeport").addNewListener()
          .withName("http").withProtocol("HTTP").withPort(80).endListener().endSpec().build()).create();
      kube.resources(HTTPRoute.class).resource(new HTTPRouteBuilder().withNewMetadata().withName("api")
          .withNamespace("default").endMetadata().withNewSpec().withHostnames("api.example.com").addNewParentRef()
          .withName("edge").endParentRef().addNewRule().addNewBackendRef().withName("api").withPort(80)
          .endBackendRef().endRule().endSpec().build()).create();
    } finally {
      kube.close();
    }
    Poll.until(() -> !published.isEmpty() && published.get(published.size() - 1).discoveredDomains().stream()
        .anyMatch(d -> d.host().equals("api.example.com")), 20, "the route is served without a restart");
    assertEquals(List.of(), source.missingGatewayApi());
    assertEquals("connected", source.apiState());
    assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("the Gateway API is installed now")),
        log.list.toString());
  }
}
