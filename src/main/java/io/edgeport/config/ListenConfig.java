package io.edgeport.config;

import io.edgeport.net.Cidr;
import java.util.List;

/**
 * Where the proxy listens.
 *
 * @param https the TLS listener, or null: none
 * @param h2c   the plain listener also takes HTTP/2 with prior knowledge (cleartext, for gRPC clients)
 * @param proxyProtocol every connection (on both listeners) starts with a PROXY protocol v1 or v2 header
 *                      from an L4 balancer in front, which gives the client's address; one without is closed
 * @param proxyProtocolFrom the networks those balancers connect from (required with {@code proxyProtocol}):
 *                      a connection from elsewhere is closed, its header never believed
 */
public record ListenConfig(ListenAddress http, ListenAddress https, boolean h2c, boolean proxyProtocol,
    List<Cidr> proxyProtocolFrom) {
  public static final ListenConfig DEFAULT = new ListenConfig(new ListenAddress("", 80), null, false, false, List.of());

  public ListenConfig {
    proxyProtocolFrom = List.copyOf(proxyProtocolFrom);
  }

  public ListenConfig(ListenAddress http, ListenAddress https, boolean h2c) {
    this(http, https, h2c, false, List.of());
  }

  public ListenConfig withHttp(ListenAddress other) {
    return new ListenConfig(other, https, h2c, proxyProtocol, proxyProtocolFrom);
  }

  @Override
  public String toString() {
    return http + (https != null ? " (https " + https + ")" : "");
  }
}
