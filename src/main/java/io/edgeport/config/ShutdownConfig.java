package io.edgeport.config;

import java.time.Duration;

/**
 * @param keepAccepting how long a stopping gateway still accepts and serves after {@code /ready} turned 503, so
 *                      that whatever routes to it (keepalived's check, a load balancer, DNS) moves traffic away
 *                      before the listener closes
 * @param drain         then, how long requests in flight may finish before their connections are closed
 */
public record ShutdownConfig(Duration keepAccepting, Duration drain) {
  public static final ShutdownConfig DEFAULTS = new ShutdownConfig(Duration.ZERO, Duration.ofSeconds(30));
}
