package io.edgeport.support;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tests against the fabric8 mock API server in CRUD mode with real watches; nodes are backends on 127.0.0.2-4
 * (their InternalIPs), kube-proxy's health servers are test servers on those addresses.
 */
public abstract class MockApiTest extends LiveNodesTest {
  protected TestNodes kubeProxy;
  protected KubernetesCrudDispatcher dispatcher;
  protected KubernetesMockServer api;
  protected int apiPort;
  protected KubernetesClient kube;
  /** The plain listener also takes HTTP/2 with prior knowledge ({@code listen.h2c}: gRPC clients, GRPCRoutes). */
  protected boolean plainH2c;

  @BeforeEach
  void startApi() throws Exception {
    kubeProxy = TestNodes.start(vertx, 3);
    dispatcher = newDispatcher();
    startApi(0);
    kube = api.createClient();
  }

  /** The mock's dispatcher: CRUD mode, every kind served. */
  protected KubernetesCrudDispatcher newDispatcher() {
    return new KubernetesCrudDispatcher();
  }

  protected void startApi(int port) {
    api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    api.init(InetAddress.getLoopbackAddress(), port);
    apiPort = api.getPort();
  }

  @AfterEach
  void stopApi() throws Exception {
    if (gateway != null) {
      gateway.close().await(10, TimeUnit.SECONDS);
      gateway = null;
    }
    kube.close();
    try {
      api.destroy();
    } catch (IllegalStateException e) {
      // The mock's own deadlock, after the test: when a watch closes while the mock is sending it an event, its
      // WatchEventsListener.onClosed waits (up to a minute) on the event loop that the sending task needs. The
      // test's assertions are done and no edgeport code runs here; a real API server has no such wait.
      if (!String.valueOf(e.getMessage()).contains("Unable to close MockWebServer")) {
        throw e;
      }
    }
    kubeProxy.close();
  }

  /**
   * A gateway on the mock API (two event loops), its HTTP listener on a free port.
   *
   * @param extraKubernetes more of the {@code kubernetes:} section
   * @param rest            more of the config after it (domains)
   * @param extensions      started with it (the admin listener)
   */
  protected void startOnApi(String extraKubernetes, String rest, io.edgeport.Edgeport.Extension... extensions)
      throws Exception {
    startOnApi(0, extraKubernetes, rest, extensions);
  }

  /** @param httpsPort the HTTPS listener's port, or 0 for none */
  protected void startOnApi(int httpsPort, String extraKubernetes, String rest,
      io.edgeport.Edgeport.Extension... extensions) throws Exception {
    startGateway(apiConfig(0, httpsPort, extraKubernetes, rest), 2, extensions);
  }

  /**
   * The config of a gateway on the mock API.
   *
   * @param httpPort  the HTTP listener's port, or 0 for a free one
   * @param httpsPort the HTTPS listener's port, or 0 for none
   */
  protected String apiConfig(int httpPort, int httpsPort, String extraKubernetes, String rest) throws Exception {
    return """
        listen:
          http: "127.0.0.1:%d"
          h2c: %s
        %s
        timeouts:
          connect: 1s
        kubernetes:
          kubeconfig: %s
          kubeProxyHealthPort: %d
        %s
        %s""".formatted(httpPort, plainH2c, httpsPort == 0 ? "" : "  https: \"127.0.0.1:" + httpsPort + "\"", kubeconfig(),
        kubeProxy.port(), extraKubernetes.indent(2), rest);
  }

  /** A {@code kubernetes.io/tls} Secret holding {@code leaf}'s certificate and key. */
  protected void tlsSecret(String namespace, String name, TestCertificates.Leaf leaf) throws Exception {
    kube.secrets().resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).endMetadata().withType("kubernetes.io/tls")
        .addToData("tls.crt", java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(leaf.cert())))
        .addToData("tls.key", java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(leaf.key()))).build())
        .create();
  }

  /**
   * Runs an edit again when the object changed between its read and its write (409: edgeport writes status, which
   * changes the resourceVersion), as API clients do; a few times at most.
   */
  public static void retryOnConflict(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  protected Path kubeconfig() throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "http://127.0.0.1:%d"}
        contexts:
          - name: mock
            context: {cluster: mock, user: mock, namespace: default}
        current-context: mock
        users:
          - name: mock
            user: {token: test}
        """.formatted(apiPort));
    return file;
  }

  protected Node node(String name, String ip) {
    return new NodeBuilder().withNewMetadata().withName(name).addToFinalizers("edgeport.test/keep").endMetadata()
        .withNewStatus().addNewAddress().withType("InternalIP").withAddress(ip).endAddress()
        .addNewAddress().withType("Hostname").withAddress(name).endAddress().endStatus().build();
  }

  protected void createNodes(int count) {
    for (int i = 0; i < count; i++) {
      kube.nodes().resource(node("worker-" + (i + 1), nodes.addresses().get(i))).create();
    }
  }

  protected Service nodePortService(String name, int nodePort) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
        .withNewSpec().withType("NodePort").addNewPort().withName("http").withPort(80).withNodePort(nodePort).endPort()
        .endSpec().build();
  }

}
