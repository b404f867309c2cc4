package io.edgeport.config;

/** A NodePort service, reached on every node; two routes with equal refs share one backend. */
public record BackendRef(int nodePort, LoadBalancing loadBalancing, HealthCheckConfig healthCheck) {

  /** A backend with the default health check. */
  public BackendRef(int nodePort, LoadBalancing loadBalancing) {
    this(nodePort, loadBalancing, HealthCheckConfig.DEFAULT);
  }
}
