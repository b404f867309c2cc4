package io.edgeport.translate;

import io.edgeport.config.KubernetesConfig;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Nodes → the addresses that take traffic, and why the others take none.
 *
 * <p>The node set follows the Kubernetes service controller for cloud load balancers (KEP-3458,
 * GA in 1.30): a node is left out when it has a deletionTimestamp, carries the label
 * {@code node.kubernetes.io/exclude-from-external-load-balancers} (unless its value parses as
 * false), or carries the taint {@code ToBeDeletedByClusterAutoscaler}. NotReady and cordoned nodes
 * stay in: health checks decide whether they get traffic.
 */
public final class NodeTranslator {
  public static final String EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";
  public static final String AUTOSCALER_TAINT = "ToBeDeletedByClusterAutoscaler";
  /** Values Go's strconv.ParseBool reads as false: the label with one of these does not exclude. */
  private static final Set<String> FALSE = Set.of("0", "f", "F", "false", "FALSE", "False");

  /**
   * @param addresses the addresses of the nodes that may take traffic, by node name, each once
   * @param excluded  node name → why it takes no traffic
   */
  public record Nodes(List<String> addresses, Map<String, String> excluded) {
    public Nodes {
      addresses = List.copyOf(addresses);
      excluded = Map.copyOf(excluded);
    }
  }

  private NodeTranslator() {}

  public static Nodes translate(List<Node> nodes, KubernetesConfig config) {
    List<String> addresses = new ArrayList<>();
    Map<String, String> excluded = new TreeMap<>();
    for (Node node : nodes.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList()) {
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
    return new Nodes(addresses, excluded);
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
    // by label name: the config's map iterates in a different order on every run, and the reason must not change
    for (Map.Entry<String, String> wanted : new TreeMap<>(config.nodeSelector()).entrySet()) {
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
}
