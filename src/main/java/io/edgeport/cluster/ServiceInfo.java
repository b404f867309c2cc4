package io.edgeport.cluster;

import io.edgeport.config.Cidr;
import java.util.List;

/**
 * The parts of a Kubernetes Service that routing uses.
 *
 * @param type                ClusterIP, NodePort, LoadBalancer or ExternalName
 * @param localTrafficPolicy  externalTrafficPolicy: Local (only nodes with a local endpoint may serve)
 * @param healthCheckNodePort kube-proxy's per-Service health port for Local policy, or 0
 * @param clientIpAffinity    sessionAffinity: ClientIP
 * @param sourceRanges        loadBalancerSourceRanges (empty: everyone)
 */
public record ServiceInfo(String namespace, String name, String type, List<Port> ports, boolean localTrafficPolicy,
    int healthCheckNodePort, boolean clientIpAffinity, List<Cidr> sourceRanges) {

  public ServiceInfo {
    ports = List.copyOf(ports);
    sourceRanges = List.copyOf(sourceRanges);
  }

  /** @param nodePort 0 when none is allocated */
  public record Port(String name, int port, int nodePort) {}

  public boolean hasNodePorts() {
    return type.equals("NodePort") || type.equals("LoadBalancer");
  }
}
