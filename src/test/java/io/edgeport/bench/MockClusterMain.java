package io.edgeport.bench;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
 * For {@code bench/tcp.sh}: a CRUD mock API with three nodes (127.0.0.2-4) and one LoadBalancer Service of class
 * {@code edgeport.io/lb} (port and nodePort from the arguments); writes a kubeconfig for it and runs until killed.
 *
 * <p>{@code MockClusterMain KUBECONFIG PORT NODEPORT}
 */
public final class MockClusterMain {
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
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName("bench").withNamespace("default")
        .endMetadata().withNewSpec().withType("LoadBalancer").withLoadBalancerClass("edgeport.io/lb").addNewPort()
        .withPort(Integer.parseInt(args[1])).withNodePort(Integer.parseInt(args[2])).endPort().endSpec().build())
        .create();
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
}
