package io.edgeport.cluster.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.edgeport.model.Domain;
import io.edgeport.model.ServiceRef;
import io.edgeport.model.WeightedBackend;
import io.edgeport.support.GatewayApiCrds;
import io.edgeport.support.Poll;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The source on a cluster without (some of) the Gateway API CRDs, installed while it runs: without the core kinds
 * nothing of the Gateway API is served; without an optional kind (GRPCRoute, ReferenceGrant, BackendLBPolicy) all
 * else is, and each is followed once the cluster serves it, beside the informers already running.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayApiInstalledLaterTest {
  static final KubernetesConfig CONFIG = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of(), null, null,
      KubernetesConfig.NodeHealth.KUBE_PROXY, 10256, "edgeport", KubernetesConfig.LeaderElection.DEFAULT, null);
  static final long CHECK_MILLIS = 200;
  /** How long a kind installed may take to be followed: a few checks, with room for a slow machine. */
  static final long FOLLOWED_WITHIN_SECONDS = 10;
  static final String GRPC = "grpcroutes.gateway.networking.k8s.io/v1";
  static final String GRANTS = "referencegrants.gateway.networking.k8s.io/v1 or v1beta1";
  static final String POLICIES = "backendlbpolicies.gateway.networking.k8s.io/v1alpha2";

  final GatewayApiCrds crds = new GatewayApiCrds();
  final List<ClusterState> published = new CopyOnWriteArrayList<>();
  final ListAppender<ILoggingEvent> log = new ListAppender<>();
  Vertx vertx;
  KubernetesMockServer api;
  KubernetesClient client;
  KubernetesClient kube;
  io.vertx.core.Context context;
  KubernetesSource source;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), crds, false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    client = api.createClient();
    kube = api.createClient();
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
    kube.close();
    try {
      api.destroy();
    } catch (IllegalStateException e) {
      // the mock's own wait on closing watches (see MockApiTest.stopApi): after the test, no edgeport code involved
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  void startSource() throws Exception {
    context = vertx.getOrCreateContext();
    // the client is the source's (it closes it)
    source = new KubernetesSource(vertx, context, CONFIG, client, new GatewayApiTranslator.EdgeListeners(80, 0),
        published::add, () -> { }, 50, CHECK_MILLIS, false);
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> source.start(20_000).onComplete(started));
    started.future().await(30, TimeUnit.SECONDS);
  }

  /** How many lines of the source's log contain {@code text}. */
  long logged(String text) {
    return log.list.stream().filter(e -> e.getFormattedMessage().contains(text)).count();
  }

  ILoggingEvent logLine(String text) {
    return log.list.stream().filter(e -> e.getFormattedMessage().contains(text)).findFirst().orElseThrow();
  }

  /** The optional kinds the source does not follow, by resource ("grpcroutes.gateway.networking.k8s.io/v1"). */
  List<String> unserved() {
    List<String> unserved = source.unservedGatewayApi();
    return List.of(GRPC, GRANTS, POLICIES).stream().filter(r -> unserved.stream().anyMatch(u -> u.startsWith(r + " ")))
        .toList();
  }

  /** The source's Gateway API translation inputs as of now, read on its context (null: no core kinds followed). */
  GatewayApiTranslator.Inputs inputs() throws Exception {
    Promise<GatewayApiTranslator.Inputs> read = Promise.promise();
    context.runOnContext(v -> read.complete(source.gatewayApiInputs()));
    return read.future().await(10, TimeUnit.SECONDS);
  }

  /** Do the inputs, once the core is followed, hold an object named {@code name} of the kind {@code of} lists? */
  boolean inputsHold(Function<GatewayApiTranslator.Inputs, List<? extends HasMetadata>> of, String name) {
    try {
      GatewayApiTranslator.Inputs in = inputs();
      return in != null && of.apply(in).stream().anyMatch(o -> o.getMetadata().getName().equals(name));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The last state published: its domain of {@code host}, or null. */
  Domain served(String host) {
    if (published.isEmpty()) {
      return null;
    }
    return published.get(published.size() - 1).discoveredDomains().stream().filter(d -> d.host().equals(host))
        .findFirst().orElse(null);
  }

  /** The Services a served host's rules send to (null: a backendRef that cannot be used). */
  List<ServiceRef> backendsOf(String host) {
    Domain d = served(host);
    List<ServiceRef> out = new ArrayList<>();
    d.paths().forEach(p -> p.backends().stream().map(WeightedBackend::ref)
        .forEach(ref -> out.add(ref == null ? null : ref.service())));
    return out;
  }

  /** A NodePort Service {@code ns/name}, the class edgeport, the Gateway default/edge with an HTTP listener. */
  void createGateway(String ns, String service) {
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName(service).withNamespace(ns)
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(80).withNodePort(30080).endPort()
        .endSpec().build()).create();
    kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class).resource(
        new GatewayClassBuilder().withNewMetadata().withName("edgeport").endMetadata().withNewSpec()
            .withControllerName(GatewayApiTranslator.CONTROLLER).endSpec().build()).create();
    kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class).resource(new GatewayBuilder()
        .withNewMetadata().withName("edge").withNamespace("default").endMetadata().withNewSpec()
        .withGatewayClassName("edgeport").addNewListener().withName("http").withProtocol("HTTP").withPort(80)
        .endListener().endSpec().build()).create();
  }

  /** An HTTPRoute default/NAME for {@code host} on the Gateway edge, to the Service {@code ns/service} port 80. */
  void createRoute(String name, String host, String ns, String service) {
    kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).resource(new HTTPRouteBuilder()
        .withNewMetadata().withName(name).withNamespace("default").endMetadata().withNewSpec().withHostnames(host)
        .addNewParentRef().withName("edge").endParentRef().addNewRule().addNewBackendRef().withName(service)
        .withNamespace(ns).withPort(80).endBackendRef().endRule().endSpec().build()).create();
  }

  void createGrpcRoute(String name) {
    kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute.class).resource(new GRPCRouteBuilder()
        .withNewMetadata().withName(name).withNamespace("default").endMetadata().withNewSpec()
        .withHostnames(name + ".example.com").addNewParentRef().withName("edge").endParentRef().addNewRule()
        .addNewBackendRef().withName("api").withPort(80).endBackendRef().endRule().endSpec().build()).create();
  }

  @Test
  void itStartsWithoutThemLogsThatOnceAndFollowsThemOnceInstalled() throws Exception {
    startSource();
    assertEquals(List.of("gatewayclasses.gateway.networking.k8s.io/v1", "gateways.gateway.networking.k8s.io/v1",
        "httproutes.gateway.networking.k8s.io/v1"), source.missingGatewayApi());
    assertEquals(List.of(), source.unservedGatewayApi(), "without the core, nothing optional is asked for");
    assertEquals("connected", source.apiState());
    int asked = crds.notFound();
    Poll.until(() -> crds.notFound() >= asked + 3 * 3, 20, "three more checks for the three core kinds");
    assertEquals(1, logged("does not serve the Gateway API"), "what is missing is logged once, not at every check");
    assertEquals(0, logged("not found (its CRD is not installed)"), "no optional kind is reported without the core: "
        + log.list);

    crds.install();
    createGateway("default", "api");
    createRoute("api", "api.example.com", "default", "api");
    Poll.until(() -> served("api.example.com") != null, 20, "the route is served without a restart");
    assertEquals(List.of(), source.missingGatewayApi());
    assertEquals(List.of(), source.unservedGatewayApi(), "the optional kinds came with the core");
    assertEquals("connected", source.apiState());
    assertEquals(1, logged("the Gateway API is installed now"), log.list.toString());
  }

  /**
   * The core kinds only: HTTPRoutes are served, the optional kinds are reported once each, and a GRPCRoute CRD,
   * then a BackendLBPolicy CRD, installed later are followed on their own, the running informers undisturbed.
   */
  @Test
  void withTheCoreOnlyRoutesAreServedAndEachOptionalKindIsFollowedOnceInstalled() throws Exception {
    crds.install(GatewayApiCrds.CORE);
    startSource();
    assertEquals(List.of(), source.missingGatewayApi());
    assertEquals(List.of(GRPC + " not found (its CRD is not installed): GRPCRoutes are not served",
        GRANTS + " not found (its CRD is not installed): no route or listener may refer to another namespace (no"
            + " ReferenceGrant can permit it)",
        POLICIES + " not found (its CRD is not installed): BackendLBPolicies are not applied (no session persistence"
            + " from them)"), source.unservedGatewayApi());
    createGateway("default", "api");
    createRoute("api", "api.example.com", "default", "api");
    Poll.until(() -> served("api.example.com") != null, 20, "HTTPRoutes are served without the optional kinds");
    int servedSince = published.size() - 1;
    int asked = crds.notFound();
    // each check asks for GRPCRoutes, ReferenceGrants at v1 and v1beta1, BackendLBPolicies
    Poll.until(() -> crds.notFound() >= asked + 3 * 4, 20, "three more checks for the optional kinds");
    for (String kind : List.of(GRPC, GRANTS, POLICIES)) {
      assertEquals(1, logged(kind + " not found"), kind + " is logged once: " + log.list);
      assertEquals(Level.INFO, logLine(kind + " not found").getLevel(), "a cluster may well lack it");
    }
    assertTrue(log.list.stream().noneMatch(e -> e.getLevel() == Level.ERROR), log.list.toString());
    assertEquals(List.of(), source.translationFailures());

    crds.install(List.of("v1/grpcroutes"));
    createGrpcRoute("grpc");
    Poll.until(() -> unserved().equals(List.of(GRANTS, POLICIES))
        && inputsHold(GatewayApiTranslator.Inputs::grpcRoutes, "grpc"), FOLLOWED_WITHIN_SECONDS,
        "the GRPCRoute reaches the translator");
    assertEquals(1, logged(GRPC + " is served now"), log.list.toString());

    crds.install(List.of("v1alpha2/backendlbpolicies"));
    kube.genericKubernetesResources(GatewayApiKind.BACKEND_LB_POLICIES.at("v1alpha2")).inNamespace("default")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("gateway.networking.k8s.io/v1alpha2")
            .withKind("BackendLBPolicy").withNewMetadata().withName("sticky").withNamespace("default").endMetadata()
            .addToAdditionalProperties("spec", Map.of("targetRefs", List.of(Map.of("group", "", "kind", "Service",
                "name", "api")))).build()).create();
    Poll.until(() -> unserved().equals(List.of(GRANTS))
        && inputsHold(GatewayApiTranslator.Inputs::backendLBPolicies, "sticky"), FOLLOWED_WITHIN_SECONDS,
        "the BackendLBPolicy reaches the translator");
    assertTrue(published.subList(servedSince, published.size()).stream().allMatch(s -> s.discoveredDomains().stream()
        .anyMatch(d -> d.host().equals("api.example.com"))), "the route stayed served all along: " + published);
    assertEquals("connected", source.apiState());
  }

  /** A cross-namespace backend resolves with a ReferenceGrant of whichever version the cluster serves. */
  @ParameterizedTest
  @ValueSource(strings = {"v1beta1", "v1"})
  void aReferenceGrantOfTheVersionTheClusterServesLetsABackendInAnotherNamespaceResolve(String version)
      throws Exception {
    List<String> served = new ArrayList<>(GatewayApiCrds.CORE);
    served.add(version + "/referencegrants");
    crds.install(served);
    startSource();
    assertEquals(List.of(GRPC, POLICIES), unserved());
    createGateway("shop", "cart");
    createRoute("cart", "cart.example.com", "shop", "cart");
    Poll.until(() -> served("cart.example.com") != null, 20, "the route is served");
    assertEquals(Collections.singletonList(null), backendsOf("cart.example.com"), "no grant: not permitted");

    ReferenceGrantSpec spec = new ReferenceGrantSpecBuilder().addNewFrom().withGroup(GatewayApiTranslator.GROUP)
        .withKind("HTTPRoute").withNamespace("default").endFrom().addNewTo().withGroup("").withKind("Service")
        .withName("cart").endTo().build();
    if (version.equals("v1")) {
      kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant.class).inNamespace("shop")
          .resource(new ReferenceGrantBuilder().withNewMetadata().withName("routes-to-cart").endMetadata()
              .withSpec(spec).build()).create();
    } else {
      kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class).inNamespace("shop")
          .resource(new io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder().withNewMetadata()
              .withName("routes-to-cart").endMetadata().withSpec(spec).build()).create();
    }
    Poll.until(() -> Objects.equals(List.of(new ServiceRef("shop", "cart", "80")), backendsOf("cart.example.com")),
        20, "the grant permits the backend");
    GatewayApiTranslator.Inputs in = inputs();
    assertNotNull(in);
    assertEquals("gateway.networking.k8s.io/v1", in.grants().get(0).getApiVersion(), "the translator's v1 objects");
  }

  /** A 403 on an optional kind: logged as such with the rule to add, everything else served, and asked again. */
  @Test
  void aForbiddenOptionalKindIsLoggedWithItsRuleAndFollowedOnceAllowed() throws Exception {
    List<String> served = new ArrayList<>(GatewayApiCrds.CORE);
    served.addAll(List.of("v1/grpcroutes", "v1/referencegrants", "v1alpha2/backendlbpolicies"));
    crds.install(served);
    crds.forbid("v1/grpcroutes");
    startSource();
    createGateway("default", "api");
    createRoute("api", "api.example.com", "default", "api");
    Poll.until(() -> served("api.example.com") != null, 20, "the rest is served");
    int refused = crds.refused();
    Poll.until(() -> crds.refused() >= refused + 3, 20, "three more checks: it is looked for again");
    assertEquals(1, logged(GRPC + " is not allowed"), "logged once: " + log.list);
    ILoggingEvent line = logLine(GRPC + " is not allowed");
    assertEquals(Level.WARN, line.getLevel());
    assertTrue(line.getFormattedMessage().contains("cannot list resource \"grpcroutes\""), line.getFormattedMessage());
    assertTrue(line.getFormattedMessage().contains("edgeport's ClusterRole needs the rule {apiGroups:"
        + " [\"gateway.networking.k8s.io\"], resources: [\"grpcroutes\"], verbs: [\"get\", \"list\", \"watch\"]}: "
        + "GRPCRoutes are not served"), line.getFormattedMessage());
    assertEquals(List.of(GRPC), unserved());
    assertEquals("connected", source.apiState());

    crds.allow("v1/grpcroutes");
    createGrpcRoute("grpc");
    Poll.until(() -> unserved().isEmpty() && inputsHold(GatewayApiTranslator.Inputs::grpcRoutes, "grpc"),
        FOLLOWED_WITHIN_SECONDS, "followed once RBAC allows it, without a restart");
  }
}
