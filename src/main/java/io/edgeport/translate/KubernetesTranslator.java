package io.edgeport.translate;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.BackendRef;
import io.edgeport.model.ClusterState;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.ServiceInfo;
import io.edgeport.model.ServiceRef;
import io.edgeport.net.Cidr;
import io.edgeport.net.HostNames;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * API objects → {@link ClusterState}: pure functions of the informers' caches, so the rules are
 * testable and one place states them.
 *
 * <p>The node set follows the Kubernetes service controller for cloud load balancers (KEP-3458,
 * GA in 1.30): a node is left out when it has a deletionTimestamp, carries the label
 * {@code node.kubernetes.io/exclude-from-external-load-balancers} (unless its value parses as
 * false), or carries the taint {@code ToBeDeletedByClusterAutoscaler}. NotReady and cordoned nodes
 * stay in: health checks decide whether they get traffic.
 */
public final class KubernetesTranslator {
  public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";
  public static final String AUTOSCALER_TAINT = "ToBeDeletedByClusterAutoscaler";
  public static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
  /** On a LoadBalancer Service: its node connections start with a PROXY protocol header ("v1" or "v2"). */
  public static final String PROXY_PROTOCOL_ANNOTATION = "edgeport.io/proxy-protocol";
  /** On a LoadBalancer Service: round-robin (default), least-connections (or least-request), client-ip-hash. */
  public static final String LOAD_BALANCING_ANNOTATION = "edgeport.io/load-balancing";
  /** Values Go's strconv.ParseBool reads as false: the label with one of these does not exclude. */
  private static final Set<String> FALSE = Set.of("0", "f", "F", "false", "FALSE", "False");

  private KubernetesTranslator() {}

  public static ClusterState assemble(List<Node> nodes, List<Service> services, List<Ingress> ingresses,
      KubernetesConfig config, Consumer<String> log) {
    return assemble(nodes, services, ingresses, Map.of(), config, log);
  }

  /** @param secrets the Secrets that served Ingresses name in {@code spec.tls}, by "namespace/name", as read */
  public static ClusterState assemble(List<Node> nodes, List<Service> services, List<Ingress> ingresses,
      Map<String, Secret> secrets, KubernetesConfig config, Consumer<String> log) {
    List<String> addresses = new ArrayList<>();
    Map<String, String> excluded = new TreeMap<>();
    for (Node node : sorted(nodes)) {
      String name = node.getMetadata().getName();
      String why = exclusion(node, config);
      String address = why == null ? address(node, config.nodeAddressTypes()) : null;
      if (why == null && address == null) {
        why = "no " + String.join("/", config.nodeAddressTypes()) + " address";
      }
      if (why != null) {
        excluded.put(name, why);
      } else if (!addresses.contains(address)) {
        addresses.add(address);
      }
    }
    Map<String, ServiceInfo> svcs = new LinkedHashMap<>();
    for (Service s : services) {
      ServiceInfo info = service(s);
      svcs.put(info.namespace() + "/" + info.name(), info);
    }
    List<Ingress> served = config.ingressClass() == null ? List.of() : served(ingresses, config.ingressClass());
    return new ClusterState(addresses, excluded, svcs, ingressDomains(served, log),
        ingressCertificates(served, secrets, log));
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

  private static List<IngressTLS> tlsOf(Ingress ing) {
    return ing.getSpec() == null || ing.getSpec().getTls() == null ? List.of() : ing.getSpec().getTls();
  }

  /**
   * Each {@code spec.tls} entry whose Secret could be read and is a TLS Secret, for its hosts (the
   * Ingress's rule hosts when it lists none). Whether the certificate is valid and covers them is
   * checked where it is loaded.
   */
  public static List<DiscoveredCertificate> ingressCertificates(List<Ingress> served, Map<String, Secret> secrets,
      Consumer<String> log) {
    List<DiscoveredCertificate> out = new ArrayList<>();
    for (Ingress ing : served) {
      String id = ing.getMetadata().getNamespace() + "/" + ing.getMetadata().getName();
      for (IngressTLS tls : tlsOf(ing)) {
        if (tls.getSecretName() == null) {
          log.accept("ingress " + id + ": a tls entry without secretName is not served");
          continue;
        }
        String ref = ing.getMetadata().getNamespace() + "/" + tls.getSecretName();
        Secret secret = secrets.get(ref);
        Map<String, String> data = secret == null || secret.getData() == null ? Map.of() : secret.getData();
        if (!data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
          log.accept("ingress " + id + ": secret " + ref + (secret == null ? " cannot be read (missing, or no RBAC"
              + " access)" : " has no tls.crt and tls.key") + "; its hosts are not served over HTTPS");
          continue;
        }
        List<String> hosts = new ArrayList<>();
        List<String> named = tls.getHosts() == null || tls.getHosts().isEmpty() ? ruleHosts(ing) : tls.getHosts();
        for (String h : named) {
          if (HostNames.configHostError(h) == null) {
            hosts.add(HostNames.canonical(h));
          }
        }
        if (!hosts.isEmpty()) {
          out.add(new DiscoveredCertificate(hosts, decode(data.get("tls.crt")), decode(data.get("tls.key")),
              "ingress " + id + " secret " + tls.getSecretName()));
        }
      }
    }
    return out;
  }

  private static List<String> ruleHosts(Ingress ing) {
    return ing.getSpec().getRules() == null ? List.of()
        : ing.getSpec().getRules().stream().map(IngressRule::getHost).filter(Objects::nonNull).toList();
  }

  public static String decode(String base64) {
    try {
      return new String(java.util.Base64.getMimeDecoder().decode(base64), java.nio.charset.StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      return ""; // not base64: the loader reports it as holding no PEM
    }
  }

  private static List<Node> sorted(List<Node> nodes) {
    return nodes.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList();
  }

  /** Why {@code node} takes no traffic, or null when it may. */
  public static String exclusion(Node node, KubernetesConfig config) {
    if (node.getMetadata().getDeletionTimestamp() != null) {
      return "being deleted (deletionTimestamp " + node.getMetadata().getDeletionTimestamp() + ")";
    }
    Map<String, String> labels = Objects.requireNonNullElse(node.getMetadata().getLabels(), Map.of());
    if (labels.containsKey(EXCLUDE_LABEL) && !FALSE.contains(labels.get(EXCLUDE_LABEL))) {
      return "label " + EXCLUDE_LABEL + "=" + labels.get(EXCLUDE_LABEL);
    }
    if (node.getSpec() != null && node.getSpec().getTaints() != null) {
      for (Taint t : node.getSpec().getTaints()) {
        if (AUTOSCALER_TAINT.equals(t.getKey())) {
          return "taint " + AUTOSCALER_TAINT;
        }
      }
    }
    for (Map.Entry<String, String> wanted : config.nodeSelector().entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return "does not match nodeSelector " + wanted.getKey() + "=" + wanted.getValue();
      }
    }
    return null;
  }

  /** The node's first address of the wanted types, in the order they are given. */
  public static String address(Node node, List<String> types) {
    List<NodeAddress> addresses = node.getStatus() == null || node.getStatus().getAddresses() == null
        ? List.of() : node.getStatus().getAddresses();
    for (String type : types) {
      for (NodeAddress a : addresses) {
        if (type.equals(a.getType()) && a.getAddress() != null && !a.getAddress().isBlank()) {
          return a.getAddress();
        }
      }
    }
    return null;
  }

  public static ServiceInfo service(Service s) {
    var spec = s.getSpec();
    List<ServiceInfo.Port> ports = new ArrayList<>();
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        ports.add(new ServiceInfo.Port(p.getName(), p.getPort() == null ? 0 : p.getPort(),
            p.getNodePort() == null ? 0 : p.getNodePort(), Objects.requireNonNullElse(p.getProtocol(), "TCP")));
      }
    }
    List<Cidr> ranges = new ArrayList<>();
    if (spec.getLoadBalancerSourceRanges() != null) {
      for (String r : spec.getLoadBalancerSourceRanges()) {
        try {
          ranges.add(Cidr.parse(r));
        } catch (IllegalArgumentException ignored) {
          // the API server validates these; an unparsable one cannot allow anyone
        }
      }
    }
    Map<String, String> annotations = Objects.requireNonNullElse(s.getMetadata().getAnnotations(), Map.of());
    String proxyProtocol = annotations.get(PROXY_PROTOCOL_ANNOTATION);
    return new ServiceInfo(s.getMetadata().getNamespace(), s.getMetadata().getName(),
        Objects.requireNonNullElse(spec.getType(), "ClusterIP"), ports, "Local".equals(spec.getExternalTrafficPolicy()),
        spec.getHealthCheckNodePort() == null ? 0 : spec.getHealthCheckNodePort(),
        "ClientIP".equals(spec.getSessionAffinity()), ranges, spec.getLoadBalancerClass(),
        "v1".equals(proxyProtocol) ? 1 : "v2".equals(proxyProtocol) ? 2 : 0,
        loadBalancing(annotations.get(LOAD_BALANCING_ANNOTATION)));
  }

  /** The annotation's policy; "least-connections" is least-request counting open connections; else round-robin. */
  private static LoadBalancing loadBalancing(String name) {
    if ("least-connections".equals(name)) {
      return LoadBalancing.LEAST_REQUEST;
    }
    LoadBalancing chosen = name == null ? null : LoadBalancing.fromConfigName(name);
    return chosen == null ? LoadBalancing.ROUND_ROBIN : chosen;
  }

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
  public static List<Domain> ingressDomains(List<Ingress> ingresses, Consumer<String> log) {
    Map<String, List<PathRule>> byHost = new LinkedHashMap<>();
    Map<String, String> owner = new LinkedHashMap<>();
    Map<String, Set<String>> sources = new LinkedHashMap<>();
    for (Ingress ing : ingresses) {
      String id = ing.getMetadata().getNamespace() + "/" + ing.getMetadata().getName();
      if (ing.getSpec().getRules() == null) {
        continue;
      }
      for (IngressRule rule : ing.getSpec().getRules()) {
        if (rule.getHost() == null || rule.getHttp() == null) {
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
          sources.computeIfAbsent(host, h -> new java.util.LinkedHashSet<>()).add(id);
        }
      }
    }
    List<Domain> out = new ArrayList<>();
    byHost.forEach((host, rules) ->
        out.add(new Domain(host, rules, "ingress " + String.join(", ", sources.get(host)))));
    return out;
  }
}
