package io.edgeport.config;

import io.edgeport.model.HealthCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the cluster is and which of its objects edgeport follows.
 *
 * @param kubeconfig          a kubeconfig file, or null: in-cluster service account, then $KUBECONFIG, then ~/.kube/config
 * @param context             a kubeconfig context, or null for its current one
 * @param nodeAddressTypes    node address types to use, first present wins (InternalIP, ExternalIP)
 * @param nodeSelector        labels a node must carry to take traffic (empty: all nodes)
 * @param ingressClass        serve Ingress objects of this class too, or null
 * @param publishAddress      written to served Ingresses' status (IP or hostname), or null
 * @param kubeProxyHealthPort kube-proxy's health port on every node (10256 unless the cluster changed it)
 * @param gatewayClass        serve Gateways of this GatewayClass and their HTTPRoutes too, or null
 * @param leaderElection      the Lease that decides which replica writes status
 * @param loadBalancer        serve Services of type LoadBalancer of a class, or null
 */
public record KubernetesConfig(String kubeconfig, String context, List<String> nodeAddressTypes,
    Map<String, String> nodeSelector, String ingressClass, String publishAddress, NodeHealth nodeHealth,
    int kubeProxyHealthPort, String gatewayClass, LeaderElection leaderElection, LoadBalancerClass loadBalancer) {

  /**
   * edgeport as the load balancer of Services of type LoadBalancer: each TCP port of such a Service is listened on
   * at each address and relayed to the port's nodePort on the eligible nodes.
   *
   * @param name      the {@code spec.loadBalancerClass} it serves
   * @param addresses where it listens, and what the Services' status shows
   * @param isDefault also serve LoadBalancer Services without a class
   * @param healthCheck intervals and thresholds of the nodes' checks (what is checked follows the Service, as for
   *                  domains: kube-proxy's health, or its healthCheckNodePort for externalTrafficPolicy Local)
   * @param maxConnections      open connections per Service port, at all addresses together (0: no limit)
   * @param maxConnectionsPerIp open connections of one client address per Service port (0: no limit)
   */
  public record LoadBalancerClass(String name, List<String> addresses, boolean isDefault,
      HealthCheck healthCheck, int maxConnections, int maxConnectionsPerIp) {
    public LoadBalancerClass {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Every replica serves; only the holder of this Lease writes status (of Ingresses, Gateways and routes).
   *
   * @param namespace     the Lease's namespace
   * @param name          the Lease's name
   * @param leaseDuration how long a leader's lease lasts without renewal: the longest a takeover waits
   */
  public record LeaderElection(String namespace, String name, Duration leaseDuration) {
    public static final LeaderElection DEFAULT = new LeaderElection(null, "edgeport-status", Duration.ofSeconds(15));
  }

  public KubernetesConfig(String kubeconfig, String context, List<String> nodeAddressTypes,
      Map<String, String> nodeSelector, String ingressClass, String publishAddress, NodeHealth nodeHealth,
      int kubeProxyHealthPort) {
    this(kubeconfig, context, nodeAddressTypes, nodeSelector, ingressClass, publishAddress, nodeHealth,
        kubeProxyHealthPort, null, LeaderElection.DEFAULT, null);
  }

  /** How nodes of Services with externalTrafficPolicy Cluster are checked. */
  public enum NodeHealth {
    /** kube-proxy's /healthz on every node (KEP-3836): 503 for a node being drained or deleted. */
    KUBE_PROXY,
    /** The domain's own health check against the nodePort. */
    BACKEND
  }

  public static final int KUBE_PROXY_HEALTH_PORT = 10256;

  public KubernetesConfig {
    nodeAddressTypes = List.copyOf(nodeAddressTypes);
    nodeSelector = Map.copyOf(nodeSelector);
  }
}
