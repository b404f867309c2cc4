package io.edgeport.model;

import java.util.List;
import java.util.Map;

/**
 * What a cluster source knows at one moment. Immutable; sources publish a new one on every change,
 * and an equal one is not republished.
 *
 * @param nodes          addresses of the nodes that may take traffic
 * @param excludedNodes  node name → why it takes no traffic (for logs and status)
 * @param services       "namespace/name" → the Service as the API describes it
 * @param discoveredDomains domains that Ingresses of the served class ask for, then those of HTTPRoutes attached to
 *                          served Gateways (an Ingress wins a host both ask for)
 * @param discoveredCertificates certificates that Ingress {@code spec.tls} and HTTPS Gateway listeners name, from
 *                          readable Secrets
 */
public record ClusterState(List<String> nodes, Map<String, String> excludedNodes, Map<String, ServiceInfo> services,
    List<Domain> discoveredDomains, List<DiscoveredCertificate> discoveredCertificates) {

  public ClusterState {
    nodes = List.copyOf(nodes);
    excludedNodes = Map.copyOf(excludedNodes);
    services = Map.copyOf(services);
    discoveredDomains = List.copyOf(discoveredDomains);
    discoveredCertificates = List.copyOf(discoveredCertificates);
  }

  /** This state with more domains and certificates after its own (those of the Gateway API). */
  public ClusterState plus(List<Domain> domains, List<DiscoveredCertificate> certificates) {
    if (domains.isEmpty() && certificates.isEmpty()) {
      return this;
    }
    List<Domain> d = new java.util.ArrayList<>(discoveredDomains);
    d.addAll(domains);
    List<DiscoveredCertificate> c = new java.util.ArrayList<>(discoveredCertificates);
    c.addAll(certificates);
    return new ClusterState(nodes, excludedNodes, services, d, c);
  }

  public ClusterState(List<String> nodes, Map<String, String> excludedNodes, Map<String, ServiceInfo> services,
      List<Domain> ingressDomains) {
    this(nodes, excludedNodes, services, ingressDomains, List.of());
  }

  /** A cluster that is just a list of node addresses. */
  public ClusterState(List<String> nodes) {
    this(nodes, Map.of(), Map.of(), List.of());
  }
}
