package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Await;
import io.edgeport.support.GrpcClient;
import io.edgeport.support.GrpcNodes;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GRPCRoute end to end: real grpc-java nodes behind NodePort Services, a real grpc-java client through edgeport
 * (h2c with prior knowledge on its plain listener), routes and status on the mock API with real watches.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcRouteEndToEndTest extends GatewayApiTestBase {
  private static final String HOST = "grpc.example.com";
  private static final String SERVICE = "grpc.testing.SimpleService";
  private GrpcNodes grpc;
  private GrpcNodes grpcCanary;

  @BeforeEach
  void startGrpcNodes() throws Exception {
    grpc = GrpcNodes.start(3);
    grpcCanary = GrpcNodes.start(3);
    grpcService("echo", grpc.port(), null);
    grpcService("echo-canary", grpcCanary.port(), null);
  }

  @AfterEach
  void stopGrpcNodes() throws Exception {
    grpc.close();
    grpcCanary.close();
  }

  private void grpcService(String name, int nodePort, String appProtocol) {
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default")
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withName("grpc").withPort(50051)
        .withNodePort(nodePort).withAppProtocol(appProtocol).endPort().endSpec().build()).create();
  }

  private static GRPCRouteRule rule(String service, String method, Object... backends) {
    GRPCRouteRuleBuilder b = new GRPCRouteRuleBuilder().withMatches(new GRPCRouteMatchBuilder().withNewMethod()
        .withType("Exact").withService(service).withMethod(method).endMethod().build());
    for (int i = 0; i < backends.length; i += 2) {
      b.addToBackendRefs(new GRPCBackendRefBuilder().withName((String) backends[i]).withPort(50051)
          .withWeight((Integer) backends[i + 1]).build());
    }
    return b.build();
  }

  private GRPCRoute grpcRoute(String name, GRPCRouteRule... rules) {
    return kube.resources(GRPCRoute.class).inNamespace("default").resource(new GRPCRouteBuilder().withNewMetadata()
        .withName(name).withNamespace("default").endMetadata().withNewSpec().withHostnames(HOST)
        .withParentRefs(new ParentReferenceBuilder().withName("edge").build()).withRules(rules).endSpec().build())
        .create();
  }

  private RouteParentStatus grpcRouteStatus(String name, Predicate<RouteParentStatus> test) {
    GRPCRoute r = kube.resources(GRPCRoute.class).inNamespace("default").withName(name).waitUntilCondition(x ->
        x != null && x.getStatus() != null && x.getStatus().getParents() != null && x.getStatus().getParents().stream()
            .anyMatch(p -> CONTROLLER.equals(p.getControllerName()) && test.test(p)), WAIT, TimeUnit.SECONDS);
    return r.getStatus().getParents().stream().filter(p -> CONTROLLER.equals(p.getControllerName())).findFirst()
        .orElseThrow();
  }

  private void serve(GRPCRouteRule... rules) throws Exception {
    plainH2c = true;
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    grpcRoute("echo", rules);
    startGateway();
    Await.until(gateway, serves(HOST), WAIT);
  }

  private static SimpleRequest says(String text) {
    return SimpleRequest.newBuilder().setRequestMessage(text).build();
  }

  @Test
  void unaryCallsAndStreamsFollowTheRouteItsWeightsAndItsStatus() throws Exception {
    serve(rule(SERVICE, "UnaryRpc", "echo", 1, "echo-canary", 1), rule(SERVICE, "ServerStreamingRpc", "echo", 1));
    RouteParentStatus status = grpcRouteStatus("echo", p -> has(p.getConditions(), "Accepted", "True", "Accepted"));
    assertTrue(has(status.getConditions(), "ResolvedRefs", "True", "ResolvedRefs"));
    try (GrpcClient client = GrpcClient.plaintext(gateway.port(), HOST)) {
      Set<String> nodesSeen = new HashSet<>();
      for (int i = 0; i < 12; i++) {
        SimpleResponse r = client.blocking().unaryRpc(says("hi " + i));
        assertEquals("hi " + i, GrpcNodes.text(r));
        nodesSeen.add(GrpcNodes.node(r));
      }
      assertTrue(nodesSeen.size() > 1, "spread over the nodes: " + nodesSeen);
      int canaryCalls = grpcCanary.calls();
      assertEquals(6, canaryCalls, "weights 1:1 give the canary Service exactly half of 12 calls");
      Iterator<SimpleResponse> stream = client.blocking().serverStreamingRpc(says("50"));
      int n = 0;
      while (stream.hasNext()) {
        assertEquals(String.valueOf(n), GrpcNodes.text(stream.next()));
        n++;
      }
      assertEquals(50, n, "a server stream arrives whole, ended OK");
      java.util.concurrent.CompletableFuture<Throwable> failed = new java.util.concurrent.CompletableFuture<>();
      var unmatched = client.async().clientStreamingRpc(new io.grpc.stub.StreamObserver<SimpleResponse>() {
        @Override
        public void onNext(SimpleResponse value) {}

        @Override
        public void onError(Throwable t) {
          failed.complete(t);
        }

        @Override
        public void onCompleted() {
          failed.complete(null);
        }
      });
      unmatched.onNext(says("x"));
      unmatched.onCompleted();
      assertEquals(Status.Code.UNIMPLEMENTED, Status.fromThrowable(failed.get(WAIT, TimeUnit.SECONDS)).getCode(),
          "a method no rule takes: edgeport's 404, as gRPC reads it");
    }
  }

  @Test
  void aNodesStatusAndTheCallsDeadlinePassThrough() throws Exception {
    serve(rule(SERVICE, null, "echo", 1));
    try (GrpcClient client = GrpcClient.plaintext(gateway.port(), HOST)) {
      for (int i = 0; i < 5; i++) { // warm: a first call may take longer than the deadline below to start
        client.blocking().unaryRpc(says("warm"));
      }
      StatusRuntimeException notFound = assertThrows(StatusRuntimeException.class,
          () -> client.blocking().unaryRpc(says("status:NOT_FOUND:no such cart")));
      assertEquals(Status.Code.NOT_FOUND, notFound.getStatus().getCode());
      assertEquals("no such cart", notFound.getStatus().getDescription());
      StatusRuntimeException late = assertThrows(StatusRuntimeException.class,
          () -> client.blocking().withDeadlineAfter(400, TimeUnit.MILLISECONDS).unaryRpc(says(GrpcNodes.HOLD)));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
      GrpcNodes.Held held = grpc.held().poll(WAIT, TimeUnit.SECONDS);
      assertNotNull(held, "the call reached a node");
      assertNotNull(held.deadlineMillis(), "its grpc-timeout reached the node");
      assertTrue(held.deadlineMillis() <= 400, "the deadline the node saw: " + held.deadlineMillis());
      assertNotNull(held.cancelled().get(WAIT, TimeUnit.SECONDS), "the node's call ends");
    }
  }

  @Test
  void aHeaderMatchPicksItsRuleAndADownBackendIsUnavailable() throws Exception {
    GRPCRouteRule canary = new GRPCRouteRuleBuilder().withMatches(new GRPCRouteMatchBuilder().withNewMethod()
            .withType("Exact").withService(SERVICE).endMethod().addNewHeader().withName("x-canary")
            .withValue("yes").endHeader().build())
        .withBackendRefs(new GRPCBackendRefBuilder().withName("echo-canary").withPort(50051).build()).build();
    serve(canary, rule(SERVICE, null, "echo", 1));
    try (GrpcClient client = GrpcClient.plaintext(gateway.port(), HOST)) {
      String plain = GrpcNodes.node(client.blocking().unaryRpc(says("a")));
      assertTrue(grpc.addresses().contains(plain));
      Metadata canaryHeader = new Metadata();
      canaryHeader.put(Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER), "yes");
      int before = grpcCanary.calls();
      client.blocking().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(canaryHeader)).unaryRpc(says("b"));
      assertEquals(before + 1, grpcCanary.calls(), "the header's rule sends to the canary Service");
      for (int i = 0; i < 3; i++) {
        grpcCanary.stop(i); // kube-proxy still reports the nodes healthy: edgeport's connects are refused
      }
      StatusRuntimeException down = assertThrows(StatusRuntimeException.class, () -> client.blocking()
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(canaryHeader)).unaryRpc(says("c")));
      assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode(), "not an HTML page: " + down.getStatus());
    }
  }

  @Test
  void anHttpListenerWithoutH2cRefusesGrpcRoutes() throws Exception {
    gateway("default", "edge", listener("http", "HTTP", 80, null));
    grpcRoute("echo", rule(SERVICE, null, "echo", 1));
    startGateway();
    RouteParentStatus status = grpcRouteStatus("echo",
        p -> has(p.getConditions(), "Accepted", "False", "NotAllowedByListeners"));
    assertTrue(condition(status.getConditions(), "Accepted").getMessage() != null);
  }
}
