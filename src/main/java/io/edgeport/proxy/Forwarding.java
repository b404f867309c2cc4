package io.edgeport.proxy;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.LimitsConfig;
import io.edgeport.model.RouteFilters;
import io.edgeport.net.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * How requests are forwarded, as one generation says: per-request timeouts, the WebSocket idle timeout and the X-Forwarded
 * policy. Settings that belong to sockets (listen address, idle timeout) are {@link ListenerSettings}.
 */
public final class Forwarding {
  final long connectTimeoutNanos;
  final long responseTimeoutMillis;
  final ForwardedHeaders forwarded;
  final Duration websocketIdle;
  /** Where {@code redirectHttps} sends clients: the HTTPS listener's port, or 0 without one. */
  final int httpsPort;
  /** {@code redirectHttps} as a redirect filter: the same URL, scheme https, on the HTTPS listener (308). */
  final RouteFilters.Redirect toHttps;
  /** What a client may hold; a connection keeps those of the generation it was accepted in. */
  final LimitsConfig limits;
  /** With {@code listen.proxyProtocol}: where connections may come from (a reload applies to the next one). */
  final List<Cidr> proxyProtocolFrom;

  private Forwarding(long connectTimeoutNanos, long responseTimeoutMillis, ForwardedHeaders forwarded,
      Duration websocketIdle, int httpsPort, LimitsConfig limits, List<Cidr> proxyProtocolFrom) {
    this.connectTimeoutNanos = connectTimeoutNanos;
    this.responseTimeoutMillis = responseTimeoutMillis;
    this.forwarded = forwarded;
    this.websocketIdle = websocketIdle;
    this.httpsPort = httpsPort;
    this.toHttps = new RouteFilters.Redirect("https", null, httpsPort, null, 308);
    this.limits = limits;
    this.proxyProtocolFrom = proxyProtocolFrom;
  }

  public static Forwarding of(EdgeportConfig config, int httpsPort) {
    return new Forwarding(config.timeouts().connect().toNanos(), config.timeouts().response().toMillis(),
        new ForwardedHeaders(config.trustedProxies(), config.untrustedHeaders()), config.timeouts().websocketIdle(),
        httpsPort, config.limits(), config.listen().proxyProtocolFrom());
  }

  public int httpsPort() {
    return httpsPort;
  }
}
