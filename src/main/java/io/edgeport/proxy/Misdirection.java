package io.edgeport.proxy;

import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.edgeport.tls.SniKeyManager;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Does another certificate than the one of the connection's SNI name serve a TLS request's host? Then the client
 * checked the connection for another name than it asks for: domain fronting, or HTTP/2 connection reuse that the
 * certificate does not cover (RFC 9113 §9.1.1). 421 sends it to a connection of its own (RFC 9110 §15.5.20). A
 * client without SNI got the default certificate, and its Host routes as on port 80.
 *
 * <p>The SNI name cannot change within a connection (renegotiation is refused), so it is read from the TLS session
 * on the first request only and kept on the connection's channel, which it dies with. Its certificate is selected
 * once per generation, and a request with the connection's previous host costs a string comparison.
 */
final class Misdirection {
  private static final AttributeKey<Misdirection> KEY = AttributeKey.valueOf(Misdirection.class, "sni");
  /** A connection without SNI: never misdirected, so never written to. */
  private static final Misdirection NO_SNI = new Misdirection(null);

  private final String serverName;
  // Only the connection's event loop reads and writes these.
  private Certificates certificates;
  private ServedCertificate serverNameCertificate;
  private String host;
  private boolean misdirected;

  private Misdirection(String serverName) {
    this.serverName = serverName;
  }

  /** @param host a routing key; {@code certificates} the current generation's */
  static boolean misdirected(HttpServerRequest request, String host, Certificates certificates) {
    Attribute<Misdirection> attribute = ((ConnectionBase) request.connection()).channel().attr(KEY);
    Misdirection connection = attribute.get();
    if (connection == null) {
      String serverName = SniKeyManager.serverName(request.sslSession());
      connection = serverName == null ? NO_SNI : new Misdirection(serverName);
      attribute.set(connection);
    }
    return connection != NO_SNI && connection.check(host, certificates);
  }

  private boolean check(String host, Certificates certificates) {
    if (certificates != this.certificates) {
      this.certificates = certificates;
      serverNameCertificate = certificates.select(serverName);
      this.host = null;
    }
    if (!host.equals(this.host)) {
      this.host = host;
      misdirected = certificates.select(host) != serverNameCertificate;
    }
    return misdirected;
  }
}
