package io.edgeport.health;

import io.edgeport.model.HealthCheck;

/**
 * What one checker checks: a node, a port and how. Backends that agree on all three share one
 * checker, so the cost of checking is per distinct node and check, not per domain.
 *
 * @param check with its {@code port} resolved into {@code port} (and cleared here), and without
 *              {@code slowStart}, which is about balancing, not checking
 */
public record CheckKey(String node, int port, HealthCheck check) {

  public static CheckKey of(String node, int nodePort, HealthCheck check) {
    HealthCheck c = new HealthCheck(check.path(), null, check.interval(), check.timeout(),
        check.healthyThreshold(), check.unhealthyThreshold());
    return new CheckKey(node, check.portFor(nodePort), c);
  }

  /** For logs: {@code 127.0.0.3 on :30005}. */
  @Override
  public String toString() {
    return (node.indexOf(':') >= 0 ? "[" + node + "]" : node) + " on :" + port + (check.isHttp() ? " " + check.path() : "");
  }
}
