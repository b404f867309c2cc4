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
 * @param tls      HTTPS: TLS with the generation's certificates, HTTP/2 or HTTP/1.1 by ALPN
 * @param h2c      a plain listener also takes HTTP/2 with prior knowledge
 * @param proxyProtocol connections start with a PROXY protocol header (within {@code headerTimeout})
 */
public record ListenerSettings(ListenAddress address, Duration idle, Duration nodeIdle, boolean tls, boolean h2c,
    boolean proxyProtocol, Duration headerTimeout) {

  /** The plain HTTP listener. */
  public static ListenerSettings http(EdgeportConfig config) {
    return of(config, config.listen().http(), false, config.listen().h2c());
  }

  /** The HTTPS listener, or null when the config has none. */
  public static ListenerSettings https(EdgeportConfig config) {
    return config.listen().https() == null ? null : of(config, config.listen().https(), true, false);
  }

  private static ListenerSettings of(EdgeportConfig config, ListenAddress address, boolean tls, boolean h2c) {
    Duration idle = config.timeouts().idle();
    Duration response = config.timeouts().response();
    return new ListenerSettings(address, idle, idle.compareTo(response) >= 0 ? idle : response, tls, h2c,
        config.listen().proxyProtocol(), config.limits().headerTimeout());
  }

  public String scheme() {
    return tls ? "https" : "http";
  }
}
