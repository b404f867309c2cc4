package io.edgeport.proxy;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.ListenAddress;
import java.time.Duration;

/**
 * What the proxy's sockets are made with. A reload keeps the listener and its connections unless the
 * address changes; then a new listener is bound first and the old one drains.
 *
 * @param idle     keep-alive idle timeout of client connections
 * @param nodeIdle idle timeout of node connections: a node silent for longer than both the idle and
 *                 the response timeout is dead, also in the middle of a body (a per-request idle timer
 *                 would cost a scheduled task per request)
 */
public record ListenerSettings(ListenAddress address, Duration idle, Duration nodeIdle) {

  public static ListenerSettings of(EdgeportConfig config) {
    Duration idle = config.timeouts().idle();
    Duration response = config.timeouts().response();
    return new ListenerSettings(config.listen(), idle, idle.compareTo(response) >= 0 ? idle : response);
  }
}
