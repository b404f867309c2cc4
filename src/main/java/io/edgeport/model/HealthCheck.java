package io.edgeport.model;

import java.time.Duration;

/**
 * How a backend's nodes are checked.
 *
 * @param path               HTTP GET path (2xx/3xx = healthy), or null for a TCP connect check
 * @param port               the port to check, or null for the backend's nodePort
 * @param healthyThreshold   consecutive successes for a node that was down to take traffic again
 * @param unhealthyThreshold consecutive failures for a serving node to leave
 * @param slowStart          how long a new or recovered node's share of requests ramps up from 10 % to full;
 *                           zero (the default) for no ramp
 */
public record HealthCheck(String path, Integer port, Duration interval, Duration timeout, int healthyThreshold,
    int unhealthyThreshold, Duration slowStart) {

  public HealthCheck(String path, Integer port, Duration interval, Duration timeout, int healthyThreshold,
      int unhealthyThreshold) {
    this(path, port, interval, timeout, healthyThreshold, unhealthyThreshold, Duration.ZERO);
  }

  /** What every backend without a {@code healthCheck} gets: a load balancer never flies blind. */
  public static final HealthCheck DEFAULT =
      new HealthCheck(null, null, Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3);

  public boolean isHttp() {
    return path != null;
  }

  /** The same check of another port (null: the nodePort). */
  public HealthCheck withPort(Integer otherPort) {
    return new HealthCheck(path, otherPort, interval, timeout, healthyThreshold, unhealthyThreshold, slowStart);
  }

  public int portFor(int nodePort) {
    return port != null ? port : nodePort;
  }
}
