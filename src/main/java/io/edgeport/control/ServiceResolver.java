package io.edgeport.control;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.AppProtocol;
import io.edgeport.model.BackendRef;
import io.edgeport.model.ClusterState;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.ServiceInfo;
import io.edgeport.model.ServiceRef;
import io.edgeport.routing.BackendResolver;
import java.util.List;

/**
 * Resolves backends that name a Service against the API's current view: its nodePort, and the
 * Service's own rules — externalTrafficPolicy decides the health check, sessionAffinity: ClientIP
 * selects client-ip-hash, loadBalancerSourceRanges becomes the allow-list.
 */
public final class ServiceResolver implements BackendResolver {
  private final ClusterState cluster;
  private final KubernetesConfig kubernetes;

  public ServiceResolver(ClusterState cluster, KubernetesConfig kubernetes) {
    this.cluster = cluster;
    this.kubernetes = kubernetes;
  }

  @Override
  public Resolution resolve(BackendRef ref) {
    ServiceRef wanted = ref.service();
    if (wanted == null) {
      return STATIC.resolve(ref);
    }
    ServiceInfo svc = cluster.services().get(wanted.namespace() + "/" + wanted.name());
    if (svc == null) {
      return new Unavailable("service " + wanted.namespace() + "/" + wanted.name() + " not found");
    }
    if (!svc.hasNodePorts()) {
      return new Unavailable("service " + svc.namespace() + "/" + svc.name() + " is of type " + svc.type()
          + " and has no nodePort (use NodePort or LoadBalancer)");
    }
    ServiceInfo.Port port = port(svc, wanted.port());
    if (port == null) {
      return new Unavailable(wanted.port() == null
          ? "service " + svc.namespace() + "/" + svc.name() + " has " + svc.ports().size() + " ports; set 'port'"
          : "service " + svc.namespace() + "/" + svc.name() + " has no port " + wanted.port());
    }
    if (port.nodePort() == 0) {
      return new Unavailable("service " + svc.namespace() + "/" + svc.name() + " port " + port.port() + " has no nodePort");
    }
    AppProtocol app = AppProtocol.of(port.appProtocol());
    if (app == AppProtocol.TLS) {
      return new Unavailable("service " + svc.namespace() + "/" + svc.name() + " port " + port.port()
          + " has appProtocol " + port.appProtocol() + ": TLS to the nodes, which edgeport does not speak");
    }
    return new Resolved(port.nodePort(), svc.clientIpAffinity() ? LoadBalancing.CLIENT_IP_HASH : ref.loadBalancing(),
        check(svc, ref.healthCheck()), svc.sourceRanges(), app.h2c(ref.h2c()));
  }

  private static ServiceInfo.Port port(ServiceInfo svc, String wanted) {
    List<ServiceInfo.Port> ports = svc.ports();
    if (wanted == null) {
      return ports.size() == 1 ? ports.get(0) : null;
    }
    for (ServiceInfo.Port p : ports) {
      if (wanted.equals(p.name()) || wanted.equals(String.valueOf(p.port()))) {
        return p;
      }
    }
    return null;
  }

  /**
   * Local policy: kube-proxy's healthCheckNodePort, which answers 200 only on nodes with a local
   * endpoint (any path). Cluster policy: kube-proxy's own /healthz (503 for a node being drained or
   * deleted), or with {@code nodeHealth: backend} the domain's check. Intervals and thresholds are
   * the domain's either way.
   */
  private HealthCheck check(ServiceInfo svc, HealthCheck own) {
    int kubeProxyPort;
    if (svc.localTrafficPolicy() && svc.healthCheckNodePort() > 0) {
      kubeProxyPort = svc.healthCheckNodePort();
    } else if (kubernetes.nodeHealth() == KubernetesConfig.NodeHealth.KUBE_PROXY) {
      kubeProxyPort = kubernetes.kubeProxyHealthPort();
    } else {
      return own;
    }
    return new HealthCheck("/healthz", kubeProxyPort, own.interval(), own.timeout(), own.healthyThreshold(),
        own.unhealthyThreshold(), own.slowStart());
  }
}
