package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.ListNode;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.model.HealthCheck;
import io.edgeport.net.Cidr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code kubernetes:}: where the cluster is and which of its objects are followed. */
final class KubernetesSection {
  private KubernetesSection() {}

  /** @param limits the listeners' limits: what LoadBalancer Service ports take unless they set their own */
  static KubernetesConfig read(ConfigReader r, Entry entry, LimitsConfig limits) {
    MapNode map = r.asMap(entry.value(), "kubernetes");
    if (map == null) {
      return null;
    }
    r.checkKeys(map, "kubernetes", "kubeconfig", "context", "nodeAddressType", "nodeSelector", "ingressClass",
        "publishAddress", "nodeHealth", "kubeProxyHealthPort", "gatewayClass", "leaderElection", "loadBalancer");
    KubernetesConfig.NodeHealth nodeHealth = KubernetesConfig.NodeHealth.KUBE_PROXY;
    String mode = r.optionalString(map, "nodeHealth", "kubernetes.nodeHealth");
    if ("backend".equals(mode)) {
      nodeHealth = KubernetesConfig.NodeHealth.BACKEND;
    } else if (mode != null && !mode.equals("kube-proxy")) {
      r.error(map.entries().get("nodeHealth").value(), "kubernetes.nodeHealth: '" + mode + "' is not kube-proxy or backend");
    }
    Entry proxyPort = map.entries().get("kubeProxyHealthPort");
    Integer kubeProxyPort = proxyPort == null ? null : r.port(proxyPort, "kubernetes.kubeProxyHealthPort");
    return new KubernetesConfig(r.optionalString(map, "kubeconfig", "kubernetes.kubeconfig"),
        r.optionalString(map, "context", "kubernetes.context"), addressTypes(r, map.entries().get("nodeAddressType")),
        nodeSelector(r, map.entries().get("nodeSelector")),
        r.optionalString(map, "ingressClass", "kubernetes.ingressClass"),
        r.optionalString(map, "publishAddress", "kubernetes.publishAddress"), nodeHealth,
        kubeProxyPort == null ? KubernetesConfig.KUBE_PROXY_HEALTH_PORT : kubeProxyPort,
        r.optionalString(map, "gatewayClass", "kubernetes.gatewayClass"), leaderElection(r, map.entries().get("leaderElection")),
        loadBalancer(r, map.entries().get("loadBalancer"), limits));
  }

  private static KubernetesConfig.LoadBalancerClass loadBalancer(ConfigReader r, Entry entry, LimitsConfig limits) {
    MapNode map = entry == null ? null : r.asMap(entry.value(), "kubernetes.loadBalancer");
    if (map == null) {
      return null;
    }
    r.checkKeys(map, "kubernetes.loadBalancer", "class", "addresses", "default", "healthCheck", "maxConnections",
        "maxConnectionsPerIp");
    String name = r.optionalString(map, "class", "kubernetes.loadBalancer.class");
    if (name == null) {
      r.error(map, "kubernetes.loadBalancer: 'class' is missing (the spec.loadBalancerClass it serves, like"
          + " edgeport.io/lb)");
    }
    List<String> addresses = new ArrayList<>();
    Entry list = map.entries().get("addresses");
    if (list == null) {
      r.error(map, "kubernetes.loadBalancer: 'addresses' is missing (where it listens, like [203.0.113.10])");
    }
    for (Scalar a : r.stringList(list, "kubernetes.loadBalancer.addresses")) {
      if (Cidr.IpLiterals.parse(a.text()) == null) {
        r.error(a, "kubernetes.loadBalancer.addresses: '" + a.text() + "' is not an IP address");
      } else {
        addresses.add(a.text());
      }
    }
    return new KubernetesConfig.LoadBalancerClass(name, addresses,
        r.flag(map, "default", "kubernetes.loadBalancer.default", false),
        HealthCheckSection.read(r, map, HealthCheck.DEFAULT),
        r.count(map, "maxConnections", "kubernetes.loadBalancer.", 0, 10_000_000, limits.maxConnections()),
        r.count(map, "maxConnectionsPerIp", "kubernetes.loadBalancer.", 0, 10_000_000, limits.maxConnectionsPerIp()));
  }

  private static KubernetesConfig.LeaderElection leaderElection(ConfigReader r, Entry entry) {
    KubernetesConfig.LeaderElection d = KubernetesConfig.LeaderElection.DEFAULT;
    MapNode map = entry == null ? null : r.asMap(entry.value(), "kubernetes.leaderElection");
    if (map == null) {
      return d;
    }
    r.checkKeys(map, "kubernetes.leaderElection", "namespace", "name", "leaseDuration");
    String name = r.optionalString(map, "name", "kubernetes.leaderElection.name");
    return new KubernetesConfig.LeaderElection(r.optionalString(map, "namespace", "kubernetes.leaderElection.namespace"),
        name == null ? d.name() : name, r.duration(map, "leaseDuration", "kubernetes.leaderElection.", d.leaseDuration()));
  }

  private static List<String> addressTypes(ConfigReader r, Entry types) {
    List<String> out = new ArrayList<>();
    if (types == null) {
      out.add("InternalIP");
      return out;
    }
    List<Scalar> items = new ArrayList<>();
    if (types.value() instanceof ListNode) {
      items.addAll(r.stringList(types, "kubernetes.nodeAddressType"));
    } else {
      Scalar one = r.asScalar(types.value(), "kubernetes.nodeAddressType", JsonToken.VALUE_STRING);
      if (one != null) {
        items.add(one);
      }
    }
    for (Scalar t : items) {
      if (!t.text().equals("InternalIP") && !t.text().equals("ExternalIP")) {
        r.error(t, "kubernetes.nodeAddressType: '" + t.text() + "' is not InternalIP or ExternalIP");
      } else {
        out.add(t.text());
      }
    }
    return out;
  }

  private static Map<String, String> nodeSelector(ConfigReader r, Entry sel) {
    Map<String, String> selector = new LinkedHashMap<>();
    MapNode labels = sel == null ? null : r.asMap(sel.value(), "kubernetes.nodeSelector");
    if (labels != null) {
      for (Entry label : labels.entries().values()) {
        Scalar v = r.asScalar(label.value(), "kubernetes.nodeSelector." + label.key(), JsonToken.VALUE_STRING,
            JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_TRUE, JsonToken.VALUE_FALSE);
        if (v != null) {
          selector.put(label.key(), v.text());
        }
      }
    }
    return selector;
  }
}
