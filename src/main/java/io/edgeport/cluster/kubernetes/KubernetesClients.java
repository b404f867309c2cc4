package io.edgeport.cluster.kubernetes;

import io.edgeport.config.KubernetesConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.io.File;

/** A fabric8 client on the process's one Vertx. */
public final class KubernetesClients {
  private KubernetesClients() {}

  /**
   * With {@code kubeconfig} that file; otherwise fabric8's own order: the in-cluster service
   * account, then $KUBECONFIG, then ~/.kube/config. {@code context} picks a kubeconfig context.
   */
  public static KubernetesClient create(Vertx vertx, KubernetesConfig config) {
    Config cfg = config.kubeconfig() != null
        ? Config.fromKubeconfig(config.context(), new File(config.kubeconfig()))
        : Config.autoConfigure(config.context());
    return new KubernetesClientBuilder().withConfig(cfg).withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build();
  }
}
