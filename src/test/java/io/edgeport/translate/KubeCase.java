package io.edgeport.translate;

import io.edgeport.config.ConfigLoader;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.support.Golden;
import io.edgeport.support.KubeObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A golden case of the Kubernetes translators: its API objects, and its {@code kubernetes:} section — the document
 * of the file that starts with {@code kubernetes:} (a whole config file; with {@code ingressClass} or
 * {@code loadBalancer} it needs no domains), else {@code ingressClass: edgeport} with the defaults.
 */
record KubeCase(KubeObjects objects, KubernetesConfig config) {
  private static final String DEFAULT = "kubernetes:\n  ingressClass: edgeport\n";

  static KubeCase read(Path in) throws Exception {
    String section = Golden.documents(in).stream().filter(d -> d.lines().anyMatch(l -> l.startsWith("kubernetes:")))
        .findFirst().orElse(DEFAULT);
    return new KubeCase(KubeObjects.read(in), ConfigLoader.parse(in.getFileName().toString(), section).config()
        .kubernetes());
  }

  /**
   * The Secrets as the source would read them: the case's are found, and the others that served Ingresses name do
   * not exist.
   */
  SecretsRead secrets() {
    Map<String, Secret> found = new LinkedHashMap<>();
    objects.of(Secret.class).forEach(s -> found.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(),
        s));
    Set<String> missing = new TreeSet<>(config.ingressClass() == null ? Set.of()
        : IngressTranslator.tlsSecrets(IngressTranslator.served(objects.of(Ingress.class), config.ingressClass())));
    missing.removeAll(found.keySet());
    return new SecretsRead(found, missing);
  }
}
