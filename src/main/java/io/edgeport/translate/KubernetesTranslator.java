package io.edgeport.translate;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Nodes, Services and Ingresses → {@link ClusterState}: the translators of each kind ({@link NodeTranslator},
 * {@link ServiceTranslator}, {@link IngressTranslator}) put together. Pure functions of the informers' caches, so
 * the rules are testable and one place states them.
 */
public final class KubernetesTranslator {
  private KubernetesTranslator() {}

  /**
   * @param secrets the Secrets that served Ingresses name in {@code spec.tls}, by "namespace/name", as read
   * @param log     told what is not served and why (the source logs each note once)
   */
  public static ClusterState assemble(List<Node> nodes, List<Service> services, List<Ingress> ingresses,
      Map<String, Secret> secrets, KubernetesConfig config, Consumer<String> log) {
    NodeTranslator.Nodes eligible = NodeTranslator.translate(nodes, config);
    List<Ingress> served = config.ingressClass() == null ? List.of()
        : IngressTranslator.served(ingresses, config.ingressClass());
    return new ClusterState(eligible.addresses(), eligible.excluded(), ServiceTranslator.translate(services,
        config.loadBalancer() == null ? List.of() : config.loadBalancer().addresses()),
        IngressTranslator.domains(served, log), IngressTranslator.certificates(served, secrets, log));
  }

  /** A Secret's data value (base64) as text: the PEM of {@code tls.crt} and {@code tls.key}, for Ingresses and Gateways. */
  public static String decode(String base64) {
    try {
      return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return ""; // not base64: the loader reports it as holding no PEM
    }
  }
}
