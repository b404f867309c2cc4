package io.edgeport.cluster;

import io.edgeport.config.DomainConfig;
import java.util.List;
import java.util.Map;

/**
 * What a cluster source knows at one moment. Immutable; sources publish a new one on every change,
 * and an equal one is not republished.
 *
 * @param nodes          addresses of the nodes that may take traffic
 * @param excludedNodes  node name → why it takes no traffic (for logs and status)
 * @param services       "namespace/name" → the Service as the API describes it
 * @param ingressDomains domains that Ingress objects of the served class ask for
 * @param ingressCertificates certificates their {@code spec.tls} names, from readable Secrets
 */
public record ClusterSnapshot(List<String> nodes, Map<String, String> excludedNodes, Map<String, ServiceInfo> services,
    List<DomainConfig> ingressDomains, List<IngressCertificate> ingressCertificates) {

  public ClusterSnapshot {
    nodes = List.copyOf(nodes);
    excludedNodes = Map.copyOf(excludedNodes);
    services = Map.copyOf(services);
    ingressDomains = List.copyOf(ingressDomains);
    ingressCertificates = List.copyOf(ingressCertificates);
  }

  public ClusterSnapshot(List<String> nodes, Map<String, String> excludedNodes, Map<String, ServiceInfo> services,
      List<DomainConfig> ingressDomains) {
    this(nodes, excludedNodes, services, ingressDomains, List.of());
  }

  /** A cluster that is just a list of node addresses. */
  public ClusterSnapshot(List<String> nodes) {
    this(nodes, Map.of(), Map.of(), List.of());
  }
}
