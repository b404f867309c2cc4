package io.edgeport.translate;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.edgeport.model.Domain;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
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
  /**
   * On an Ingress or a Gateway: "true" asks for ACME certificates for its {@code spec.tls} hosts (its HTTPS
   * listeners' hostnames) whose Secret does not exist.
   */
  public static final String ACME_ANNOTATION = "edgeport.io/acme";

  private KubernetesTranslator() {}

  /**
   * @param secrets the Secrets that served Ingresses name in {@code spec.tls}, as read
   * @param log     told what is not served and why (the source logs each note once)
   */
  public static ClusterState assemble(List<Node> nodes, List<Service> services, List<Ingress> ingresses,
      SecretsRead secrets, KubernetesConfig config, Consumer<String> log) {
    NodeTranslator.Nodes eligible = NodeTranslator.translate(nodes, config);
    List<Ingress> served = config.ingressClass() == null ? List.of()
        : IngressTranslator.served(ingresses, config.ingressClass());
    List<Domain> domains = IngressTranslator.domains(served, log);
    IngressTranslator.Tls tls = IngressTranslator.tls(served, secrets, log);
    return new ClusterState(eligible.addresses(), eligible.excluded(), ServiceTranslator.translate(services,
        config.loadBalancer() == null ? List.of() : config.loadBalancer().addresses()),
        domains, tls.certificates(), tls.acmeRequests());
  }

  /**
   * Does {@code object} ({@code id}: "ingress NS/NAME", "gateway NS/NAME") opt into ACME certificates with
   * {@link #ACME_ANNOTATION} "true" (in any letter case)? A value other than "true" or "false" is a mistake, told to
   * {@code log}, and no opt-in: a certificate is ordered from a CA only when asked for plainly.
   */
  public static boolean acme(HasMetadata object, String id, Consumer<String> log) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ACME_ANNOTATION);
    if (value != null && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      log.accept(id + ": annotation " + ACME_ANNOTATION + " is \"" + value + "\", not \"true\" or \"false\";"
          + " no ACME certificate is asked for it");
    }
    return "true".equalsIgnoreCase(value);
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
