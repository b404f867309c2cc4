package io.edgeport.cluster.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgeport.translate.gatewayapi.Condition;
import io.edgeport.translate.gatewayapi.Condition.Reason;
import io.edgeport.translate.gatewayapi.Condition.Type;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.edgeport.translate.gatewayapi.ObjectStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Gateway API status the writer puts on the mock API: GRPCRoute status as HTTPRoute status (other controllers'
 * parents kept, the two kinds' statuses apart though their names are equal), and the GatewayClass's supported
 * features beside its conditions.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusWriterTest {
  private static final String OTHER = "example.com/other-controller";

  Vertx vertx;
  KubernetesMockServer api;
  KubernetesClient kube;
  StatusWriter writer;
  io.vertx.core.Context context;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(),
        false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    kube = api.createClient();
    context = vertx.getOrCreateContext();
    writer = new StatusWriter(vertx, context, kube, LeadershipChangeTest.CONFIG, () -> { });
    CompletableFuture<Void> leads = new CompletableFuture<>();
    writer.onLeadershipChange(() -> {
      if (writer.leading()) {
        leads.complete(null);
      }
    });
    writer.start();
    leads.get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    context.runOnContext(v -> writer.close().onComplete(ar -> closed.complete(null)));
    closed.get(10, TimeUnit.SECONDS);
    kube.close();
    try {
      api.destroy();
    } catch (IllegalStateException e) {
      // the mock's own wait on closing watches (see MockApiTest.stopApi): after the test, no edgeport code involved
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static ObjectStatus.Route ours(Long generation, Condition resolvedRefs) {
    return new ObjectStatus.Route(generation, List.of(new ObjectStatus.Parent(
        new ObjectStatus.ParentRef("default", "edge", null, null),
        List.of(new Condition(Type.Accepted, true, Reason.Accepted, ""), resolvedRefs))));
  }

  private static GatewayApiTranslator.Result result(Map<String, ObjectStatus.GatewayClass> classes,
      Map<String, ObjectStatus.Route> http, Map<String, ObjectStatus.Route> grpc) {
    return new GatewayApiTranslator.Result(List.of(), List.of(), List.of(), Set.of(), classes, Map.of(), http, grpc,
        List.of());
  }

  private void write(GatewayApiTranslator.Result result, List<GatewayClass> classes, List<HTTPRoute> http,
      List<GRPCRoute> grpc) throws Exception {
    CompletableFuture<Void> called = new CompletableFuture<>();
    context.runOnContext(v -> {
      writer.gatewayApi(result, classes, List.of(), http, grpc);
      called.complete(null);
    });
    called.get(10, TimeUnit.SECONDS);
  }

  @Test
  void grpcRouteStatusIsWrittenAsHttpRouteStatusIsAndApart() throws Exception {
    GRPCRoute grpc = kube.resources(GRPCRoute.class).resource(new GRPCRouteBuilder().withNewMetadata()
        .withName("echo").withNamespace("default").endMetadata().withNewSpec().addNewParentRef().withName("edge")
        .endParentRef().endSpec().withNewStatus().addNewParent().withControllerName(OTHER).withNewParentRef()
        .withName("theirs").endParentRef().withConditions(new ConditionBuilder().withType("Accepted").withStatus("True")
            .withReason("Accepted").withLastTransitionTime("2026-01-01T00:00:00Z").build()).endParent()
        .endStatus().build()).create();
    HTTPRoute http = kube.resources(HTTPRoute.class).resource(new HTTPRouteBuilder().withNewMetadata()
        .withName("echo").withNamespace("default").endMetadata().withNewSpec().addNewParentRef().withName("edge")
        .endParentRef().endSpec().build()).create();
    write(result(Map.of(), Map.of("default/echo", ours(3L, new Condition(Type.ResolvedRefs, false,
            Reason.BackendNotFound, "service default/api not found"))),
        Map.of("default/echo", ours(4L, new Condition(Type.ResolvedRefs, true, Reason.ResolvedRefs, "")))),
        List.of(), List.of(http), List.of(grpc));

    GRPCRoute written = kube.resources(GRPCRoute.class).inNamespace("default").withName("echo").waitUntilCondition(
        r -> r.getStatus() != null && r.getStatus().getParents().size() == 2, 20, TimeUnit.SECONDS);
    List<RouteParentStatus> parents = written.getStatus().getParents();
    assertEquals(OTHER, parents.get(0).getControllerName(), "another controller's parent is kept, first");
    assertEquals("2026-01-01T00:00:00Z", parents.get(0).getConditions().get(0).getLastTransitionTime());
    RouteParentStatus edgeport = parents.get(1);
    assertEquals(GatewayApiTranslator.CONTROLLER, edgeport.getControllerName());
    assertEquals("edge", edgeport.getParentRef().getName());
    assertEquals("Gateway", edgeport.getParentRef().getKind());
    assertEquals(List.of("Accepted/True", "ResolvedRefs/True"), edgeport.getConditions().stream()
        .map(c -> c.getType() + "/" + c.getStatus()).toList(), "the GRPCRoute's own status, not the HTTPRoute's");
    assertEquals(4L, edgeport.getConditions().get(0).getObservedGeneration());
    assertNotNull(edgeport.getConditions().get(0).getLastTransitionTime());

    HTTPRoute httpWritten = kube.resources(HTTPRoute.class).inNamespace("default").withName("echo")
        .waitUntilCondition(r -> r.getStatus() != null && !r.getStatus().getParents().isEmpty(), 20, TimeUnit.SECONDS);
    assertEquals("BackendNotFound", httpWritten.getStatus().getParents().get(0).getConditions().get(1).getReason());
  }

  @Test
  void theGatewayClassListsTheSupportedFeatures() throws Exception {
    GatewayClass gc = kube.resources(GatewayClass.class).resource(new GatewayClassBuilder().withNewMetadata()
        .withName("edgeport").endMetadata().withNewSpec().withControllerName(GatewayApiTranslator.CONTROLLER)
        .endSpec().build()).create();
    ObjectStatus.GatewayClass ours = new ObjectStatus.GatewayClass(1L,
        List.of(new Condition(Type.Accepted, true, Reason.Accepted, "served by edgeport")),
        GatewayApiTranslator.SUPPORTED_FEATURES);
    write(result(Map.of("edgeport", ours), Map.of(), Map.of()), List.of(gc), List.of(), List.of());

    GatewayClass written = kube.resources(GatewayClass.class).withName("edgeport").waitUntilCondition(
        c -> c.getStatus() != null && c.getStatus().getSupportedFeatures() != null
            && !c.getStatus().getSupportedFeatures().isEmpty(), 20, TimeUnit.SECONDS);
    assertEquals(GatewayApiTranslator.SUPPORTED_FEATURES, written.getStatus().getSupportedFeatures().stream()
        .map(SupportedFeature::getName).toList());
    assertEquals("Accepted", written.getStatus().getConditions().get(0).getType());
    assertSame(written.getStatus(), StatusWriter.classStatus(ours, written.getStatus(), Instant.now(), true),
        "written once: the same status is not written again");

    ObjectStatus.GatewayClass fewerFeatures = new ObjectStatus.GatewayClass(1L, ours.conditions(),
        List.of("Gateway", "HTTPRoute"));
    GatewayClassStatus fewer = StatusWriter.classStatus(fewerFeatures, written.getStatus(), Instant.now(), true);
    assertEquals(List.of("Gateway", "HTTPRoute"), fewer.getSupportedFeatures().stream().map(SupportedFeature::getName)
        .toList(), "a change of features is written");
    assertEquals(written.getStatus().getConditions(), fewer.getConditions(), "unchanged conditions keep their times");
    GatewayClassStatus dropped = new GatewayClassStatus(written.getStatus().getConditions(), List.of());
    assertSame(dropped, StatusWriter.classStatus(ours, dropped, Instant.now(), false),
        "a CRD without supportedFeatures (before v1.4) drops them: not written again and again");
  }
}
