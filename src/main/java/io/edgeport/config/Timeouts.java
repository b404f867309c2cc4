package io.edgeport.config;

import java.time.Duration;

/**
 * @param connect  establishing a backend connection, per attempt
 * @param response from the end of the request until the backend's response headers arrive; then 504
 * @param idle     keep-alive idle on both sides, and silence in the middle of a response body
 * @param websocketIdle a WebSocket (any upgraded connection) silent both ways for this long is closed
 * @param tcpIdle  a TCP connection of a LoadBalancer Service silent both ways for this long is closed
 */
public record Timeouts(Duration connect, Duration response, Duration idle, Duration websocketIdle, Duration tcpIdle) {
  public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(60),
      Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofHours(1));

  public Timeouts(Duration connect, Duration response, Duration idle) {
    this(connect, response, idle, DEFAULTS.websocketIdle(), DEFAULTS.tcpIdle());
  }
}
