package io.edgeport.model;

import io.edgeport.net.Cidr;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The parts of a Kubernetes Service that routing uses.
 *
 * @param type                ClusterIP, NodePort, LoadBalancer or ExternalName
 * @param localTrafficPolicy  externalTrafficPolicy: Local (only nodes with a local endpoint may serve)
 * @param healthCheckNodePort kube-proxy's per-Service health port for Local policy, or 0
 * @param clientIpAffinity    sessionAffinity: ClientIP
 * @param sourceRanges        loadBalancerSourceRanges (empty: everyone)
 * @param loadBalancerClass   spec.loadBalancerClass, or null
 * @param proxyProtocol       PROXY protocol version toward the nodes asked by the annotation
 *                            {@code edgeport.io/proxy-protocol} (1, 2), or 0
 * @param loadBalancing       how connections spread over the nodes, as the annotation
 *                            {@code edgeport.io/load-balancing} asks (for LoadBalancer Services; default round-robin)
 * @param created             metadata.creationTimestamp, or null when not known: of two LoadBalancer Services asking
 *                            for one port, the older has it
 * @param heldPorts           the TCP ports that it holds on edgeport's LoadBalancer addresses: those its
 *                            {@code status.loadBalancer.ingress} lists without an error (as edgeport wrote it) at one of
 *                            them; a Service that holds a port keeps it against an older one asking for it
 */
public record ServiceInfo(String namespace, String name, String type, List<Port> ports, boolean localTrafficPolicy,
    int healthCheckNodePort, boolean clientIpAffinity, List<Cidr> sourceRanges, String loadBalancerClass,
    int proxyProtocol, LoadBalancing loadBalancing, Instant created, Set<Integer> heldPorts) {

  public ServiceInfo {
    ports = List.copyOf(ports);
    sourceRanges = List.copyOf(sourceRanges);
    heldPorts = Set.copyOf(heldPorts);
  }

  /**
   * @param nodePort    0 when none is allocated
   * @param protocol    TCP, UDP or SCTP
   * @param appProtocol the port's {@code appProtocol} ({@code kubernetes.io/h2c}, {@code kubernetes.io/ws}, …), or null
   */
  public record Port(String name, int port, int nodePort, String protocol, String appProtocol) {
    public Port(String name, int port, int nodePort, String protocol) {
      this(name, port, nodePort, protocol, null);
    }
  }

  public boolean hasNodePorts() {
    return type.equals("NodePort") || type.equals("LoadBalancer");
  }
}
