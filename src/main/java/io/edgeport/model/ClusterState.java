package io.edgeport.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * @param acmeRequests      the hosts that opted-in Ingresses, then Gateways, ask ACME certificates for (their Secret
 *                          does not exist), one request per host: an Ingress's wins a host both ask for
 */
public record ClusterState(List<String> nodes, Map<String, String> excludedNodes, Map<String, ServiceInfo> services,
    List<Domain> discoveredDomains, List<DiscoveredCertificate> discoveredCertificates,
    List<AcmeRequest> acmeRequests) {

  public ClusterState {
    nodes = List.copyOf(nodes);
    excludedNodes = Map.copyOf(excludedNodes);
    services = Map.copyOf(services);
    discoveredDomains = List.copyOf(discoveredDomains);
    discoveredCertificates = List.copyOf(discoveredCertificates);
    acmeRequests = List.copyOf(acmeRequests);
  }

  /**
   * This state with more domains, certificates and ACME requests after its own (those of the Gateway API); a request
   * for a host this state asks for already is left out.
   */
  public ClusterState plus(List<Domain> domains, List<DiscoveredCertificate> certificates,
      List<AcmeRequest> requests) {
    if (domains.isEmpty() && certificates.isEmpty() && requests.isEmpty()) {
      return this;
    }
    List<Domain> d = new ArrayList<>(discoveredDomains);
    d.addAll(domains);
    List<DiscoveredCertificate> c = new ArrayList<>(discoveredCertificates);
    c.addAll(certificates);
    List<AcmeRequest> r = new ArrayList<>(acmeRequests);
    Set<String> asked = new HashSet<>();
    acmeRequests.forEach(a -> asked.add(a.host()));
    requests.stream().filter(a -> asked.add(a.host())).forEach(r::add);
    return new ClusterState(nodes, excludedNodes, services, d, c, r);
  }

  public ClusterState(List<String> nodes, Map<String, String> excludedNodes, Map<String, ServiceInfo> services,
      List<Domain> ingressDomains) {
    this(nodes, excludedNodes, services, ingressDomains, List.of(), List.of());
  }

  /** A cluster that is just a list of node addresses. */
  public ClusterState(List<String> nodes) {
    this(nodes, Map.of(), Map.of(), List.of());
  }
}
