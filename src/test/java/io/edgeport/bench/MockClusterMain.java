package io.edgeport.bench;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * For the benchmarks: a CRUD mock API with three nodes (127.0.0.2-4); writes a kubeconfig for it and runs until
 * killed. Two uses:
 *
 * <ul>
 *   <li>{@code MockClusterMain KUBECONFIG PORT NODEPORT} ({@code bench/tcp.sh}): one LoadBalancer Service of class
 *       {@code edgeport.io/lb} on PORT and NODEPORT.</li>
 *   <li>{@code MockClusterMain KUBECONFIG plain|mirror NODEPORT_A NODEPORT_B} ({@code bench/mirror.sh}): a
 *       GatewayClass {@code edgeport}, a Gateway {@code edge} (one HTTP listener, port 80), NodePort Services
 *       {@code primary} (NODEPORT_A) and {@code mirror} (NODEPORT_B), and an HTTPRoute for
 *       {@code bench.example.com} with one rule to {@code primary}; with {@code mirror}, the rule also has a
 *       RequestMirror filter to {@code mirror} at 100 %.</li>
 * </ul>
 */
public final class MockClusterMain {
  private static final String NAMESPACE = "default";

  private MockClusterMain() {}

  public static void main(String[] args) throws Exception {
    KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient kube = api.createClient();
    for (int i = 2; i <= 4; i++) {
      kube.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-" + i).endMetadata().withNewStatus()
          .addNewAddress().withType("InternalIP").withAddress("127.0.0." + i).endAddress().endStatus().build()).create();
    }
    switch (args[1]) {
      case "plain" -> gateway(kube, false, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "mirror" -> gateway(kube, true, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> kube.services().resource(new ServiceBuilder().withNewMetadata().withName("bench")
          .withNamespace(NAMESPACE).endMetadata().withNewSpec().withType("LoadBalancer")
          .withLoadBalancerClass("edgeport.io/lb").addNewPort().withPort(Integer.parseInt(args[1]))
          .withNodePort(Integer.parseInt(args[2])).endPort().endSpec().build()).create();
    }
    // Written last: the bench scripts wait for this file, so the objects exist once it does.
    Files.writeString(Path.of(args[0]), """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
        contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: default}}]
        current-context: mock
        users: [{name: mock, user: {token: bench}}]
        """.formatted(api.getPort()));
    System.out.println("mock API on " + api.getPort());
    Thread.currentThread().join();
  }

  /** The Gateway API objects of {@code bench/mirror.sh}; {@code mirrored}: every request copied to {@code mirror}. */
  private static void gateway(KubernetesClient kube, boolean mirrored, int primaryPort, int mirrorPort) {
    nodePortService(kube, "primary", primaryPort);
    nodePortService(kube, "mirror", mirrorPort);
    kube.resource(new GatewayClassBuilder().withNewMetadata().withName("edgeport").endMetadata().withNewSpec()
        .withControllerName("edgeport.io/gateway-controller").endSpec().build()).create();
    kube.resource(new GatewayBuilder().withNewMetadata().withName("edge").withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withGatewayClassName("edgeport").addNewListener().withName("http").withProtocol("HTTP")
        .withPort(80).endListener().endSpec().build()).create();
    HTTPRouteRuleBuilder rule = new HTTPRouteRuleBuilder().withBackendRefs(new HTTPBackendRefBuilder()
        .withName("primary").withPort(80).build());
    if (mirrored) {
      rule.withFilters(new HTTPRouteFilterBuilder().withType("RequestMirror").withNewRequestMirror()
          .withNewBackendRef().withName("mirror").withPort(80).endBackendRef().withPercent(100).endRequestMirror()
          .build());
    }
    kube.resource(new HTTPRouteBuilder().withNewMetadata().withName("bench").withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withHostnames("bench.example.com").addNewParentRef().withName("edge").endParentRef()
        .withRules(rule.build()).endSpec().build()).create();
  }

  private static void nodePortService(KubernetesClient kube, String name, int nodePort) {
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
        .endMetadata().withNewSpec().withType("NodePort").addNewPort().withName("http").withPort(80)
        .withNodePort(nodePort).endPort().endSpec().build()).create();
  }
}
