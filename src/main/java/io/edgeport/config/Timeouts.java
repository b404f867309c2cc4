package io.edgeport.config;

import java.time.Duration;

/**
 * @param connect  establishing a backend connection, per attempt
 * @param response from the end of the request until the backend's response headers arrive; then 504
 * @param idle     keep-alive idle on both sides, and silence in the middle of a response body
 */
public record Timeouts(Duration connect, Duration response, Duration idle) {
  public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(60));
}
