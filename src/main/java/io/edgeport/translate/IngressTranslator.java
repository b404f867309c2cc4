package io.edgeport.translate;

import io.edgeport.model.AcmeRequest;
import io.edgeport.model.BackendRef;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.ServiceRef;
import io.edgeport.net.HostNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Ingresses of the served class → {@link Domain}s (rules and paths), {@link DiscoveredCertificate}s and
 * {@link AcmeRequest}s ({@code spec.tls}). What is not served is told to {@code log}, one note per cause.
 */
public final class IngressTranslator {
  public static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  private IngressTranslator() {}

  /** Ingresses of the class, oldest first (the oldest wins a conflict, as in ingress-nginx). */
  public static List<Ingress> served(List<Ingress> ingresses, String ingressClass) {
    return ingresses.stream()
        .filter(i -> ingressClass.equals(i.getSpec() == null ? null : i.getSpec().getIngressClassName())
            || ingressClass.equals(annotation(i, CLASS_ANNOTATION)))
        .sorted(Comparator.comparing((Ingress i) -> Objects.requireNonNullElse(i.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(i -> i.getMetadata().getNamespace() + "/" + i.getMetadata().getName()))
        .toList();
  }

  private static String annotation(Ingress i, String key) {
    Map<String, String> a = i.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  /** Each rule's host and paths; Prefix and ImplementationSpecific are prefixes, Exact is exact. */
  public static List<Domain> domains(List<Ingress> served, Consumer<String> log) {
    Map<String, List<PathRule>> byHost = new LinkedHashMap<>();
    Map<String, String> owner = new LinkedHashMap<>();
    Map<String, Set<String>> sources = new LinkedHashMap<>();
    for (Ingress ing : served) {
      String id = id(ing);
      for (IngressRule rule : rules(ing)) {
        if (rule.getHost() == null || rule.getHttp() == null || rule.getHttp().getPaths() == null) {
          log.accept("ingress " + id + ": a rule without host or http paths is not served (edgeport routes by host)");
          continue;
        }
        String hostError = HostNames.configHostError(rule.getHost());
        if (hostError != null) {
          log.accept("ingress " + id + ": " + hostError);
          continue;
        }
        String host = HostNames.canonical(rule.getHost());
        for (HTTPIngressPath path : rule.getHttp().getPaths()) {
          IngressServiceBackend svc = path.getBackend() == null ? null : path.getBackend().getService();
          if (svc == null || svc.getPort() == null) {
            log.accept("ingress " + id + ": host " + host + " path " + path.getPath() + " has no service backend");
            continue;
          }
          PathRule.PathMatch match = "Exact".equals(path.getPathType()) ? PathRule.PathMatch.EXACT : PathRule.PathMatch.PREFIX;
          String p = path.getPath() == null || path.getPath().isEmpty() ? "/" : path.getPath();
          if (match == PathRule.PathMatch.PREFIX && p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
          }
          String key = host + " " + match + " " + p;
          String first = owner.putIfAbsent(key, id);
          if (first != null && !first.equals(id)) {
            log.accept("ingress " + id + ": host " + host + " path " + p + " is already served by the older ingress "
                + first + "; ignored");
            continue;
          }
          String port = svc.getPort().getNumber() != null ? String.valueOf(svc.getPort().getNumber()) : svc.getPort().getName();
          BackendRef backend = new BackendRef(0, new ServiceRef(ing.getMetadata().getNamespace(), svc.getName(), port),
              LoadBalancing.ROUND_ROBIN, HealthCheck.DEFAULT);
          byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(new PathRule(match, p, backend));
          sources.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(id);
        }
      }
    }
    List<Domain> out = new ArrayList<>();
    byHost.forEach((host, rules) ->
        out.add(new Domain(host, rules, "ingress " + String.join(", ", sources.get(host)))));
    return out;
  }

  /** The Secrets ("namespace/name") that the served Ingresses' {@code spec.tls} entries name. */
  public static Set<String> tlsSecrets(List<Ingress> served) {
    Set<String> out = new TreeSet<>();
    for (Ingress ing : served) {
      for (IngressTLS tls : tlsOf(ing)) {
        if (tls.getSecretName() != null) {
          out.add(ing.getMetadata().getNamespace() + "/" + tls.getSecretName());
        }
      }
    }
    return out;
  }

  /**
   * What the served Ingresses' {@code spec.tls} entries give.
   *
   * @param certificates an entry's certificate, from its Secret
   * @param acmeRequests the hosts of the entries of opted-in Ingresses ({@link KubernetesTranslator#ACME_ANNOTATION})
   *                     that name no Secret, or one that does not exist; one request per host, the oldest Ingress's
   */
  public record Tls(List<DiscoveredCertificate> certificates, List<AcmeRequest> acmeRequests) {}

  /**
   * Each {@code spec.tls} entry: a certificate for its hosts when its Secret could be read and is a TLS Secret (whether
   * the certificate is valid and covers them is checked where it is loaded); for an opted-in Ingress, ACME requests for
   * them when it names no Secret or one that does not exist. A Secret that exists but is no TLS Secret stays a mistake
   * to tell, not one to paper over with an ACME certificate; one that could not be read may exist, so nothing is asked
   * for it either.
   */
  public static Tls tls(List<Ingress> served, SecretsRead secrets, Consumer<String> log) {
    List<DiscoveredCertificate> certificates = new ArrayList<>();
    Map<String, AcmeRequest> acme = new LinkedHashMap<>();
    for (Ingress ing : served) {
      String id = id(ing);
      boolean optedIn = KubernetesTranslator.acme(ing, "ingress " + id, log);
      for (IngressTLS tls : tlsOf(ing)) {
        String ref = tls.getSecretName() == null ? null : ing.getMetadata().getNamespace() + "/" + tls.getSecretName();
        if (optedIn && (ref == null || secrets.missing().contains(ref))) {
          hosts(ing, tls).forEach(h -> acme.putIfAbsent(h, new AcmeRequest(h, "ingress " + id)));
          continue;
        }
        if (ref == null) {
          log.accept("ingress " + id + ": a tls entry without secretName is not served");
          continue;
        }
        Secret secret = secrets.found().get(ref);
        Map<String, String> data = secret == null || secret.getData() == null ? Map.of() : secret.getData();
        if (!data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
          log.accept("ingress " + id + ": secret " + ref + (secret == null ? " cannot be read (missing, or no RBAC"
              + " access)" : " has no tls.crt and tls.key") + "; its hosts are not served over HTTPS");
          continue;
        }
        List<String> hosts = hosts(ing, tls);
        if (!hosts.isEmpty()) {
          certificates.add(new DiscoveredCertificate(hosts, KubernetesTranslator.decode(data.get("tls.crt")),
              KubernetesTranslator.decode(data.get("tls.key")), "ingress " + id + " secret " + tls.getSecretName()));
        }
      }
    }
    return new Tls(List.copyOf(certificates), List.copyOf(acme.values()));
  }

  /** A tls entry's hosts, canonical (the Ingress's rule hosts when it lists none), but those that are no host names. */
  private static List<String> hosts(Ingress ing, IngressTLS tls) {
    List<String> named = tls.getHosts() == null || tls.getHosts().isEmpty() ? ruleHosts(ing) : tls.getHosts();
    return named.stream().filter(h -> HostNames.configHostError(h) == null).map(HostNames::canonical).toList();
  }

  private static String id(Ingress ing) {
    return ing.getMetadata().getNamespace() + "/" + ing.getMetadata().getName();
  }

  private static List<IngressTLS> tlsOf(Ingress ing) {
    return ing.getSpec() == null || ing.getSpec().getTls() == null ? List.of() : ing.getSpec().getTls();
  }

  /** An Ingress's rules: none without a spec (the API allows that; the class annotation still selects it). */
  private static List<IngressRule> rules(Ingress ing) {
    return ing.getSpec() == null || ing.getSpec().getRules() == null ? List.of() : ing.getSpec().getRules();
  }

  private static List<String> ruleHosts(Ingress ing) {
    return rules(ing).stream().map(IngressRule::getHost).filter(Objects::nonNull).toList();
  }
}
