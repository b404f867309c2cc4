package io.edgeport.model;

/**
 * A NodePort service, reached on every node; two routes with equal refs share one backend (its
 * balancer, health checkers and retry budget).
 *
 * @param nodePort the nodePort, or 0 when {@code service} names it
 * @param service  a Kubernetes Service whose nodePort the API supplies, or null
 * @param h2c      forwarded to the nodes over cleartext HTTP/2 (gRPC services), not HTTP/1.1
 * @param proxyProtocol node connections start with a PROXY protocol header of this version (1, 2), or 0: none
 */
public record BackendRef(int nodePort, ServiceRef service, LoadBalancing loadBalancing, HealthCheck healthCheck,
    RetryPolicy retry, boolean h2c, int proxyProtocol) {

  public BackendRef(int nodePort, ServiceRef service, LoadBalancing loadBalancing, HealthCheck healthCheck,
      RetryPolicy retry) {
    this(nodePort, service, loadBalancing, healthCheck, retry, false, 0);
  }

  public BackendRef(int nodePort, ServiceRef service, LoadBalancing loadBalancing, HealthCheck healthCheck) {
    this(nodePort, service, loadBalancing, healthCheck, RetryPolicy.DEFAULT);
  }

  public BackendRef(int nodePort, LoadBalancing loadBalancing, HealthCheck healthCheck) {
    this(nodePort, null, loadBalancing, healthCheck);
  }

  /** A backend with the default health check. */
  public BackendRef(int nodePort, LoadBalancing loadBalancing) {
    this(nodePort, loadBalancing, HealthCheck.DEFAULT);
  }

  @Override
  public String toString() {
    return service != null ? service.toString() : ":" + nodePort;
  }
}
