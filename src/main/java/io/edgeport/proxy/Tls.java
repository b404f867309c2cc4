package io.edgeport.proxy;

import io.edgeport.tls.SniKeyManager;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The HTTPS listener's TLS: 1.2 and 1.3 only, forward-secret AEAD ciphers, ALPN h2 then http/1.1, no renegotiation
 * asked for by clients.
 */
final class Tls {
  /** Mozilla's "intermediate" list, in JSSE names: TLS 1.3's three, then ECDHE with AES-GCM or ChaCha20. */
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private Tls() {}

  /**
   * The JDK's engine lets a TLS 1.2 client renegotiate: a full handshake at the server's cost whenever the client
   * asks, on a connection already counted once. Refused, as nginx and HAProxy do (TLS 1.3 has no renegotiation). The
   * JDK reads this once, when its TLS classes first load (a client's handshake, to the Kubernetes API say, loads them
   * too): so it is set before anything else.
   */
  static void refuseClientRenegotiation() {
    System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
  }

  static void configure(HttpServerOptions options, Supplier<Generation> generations) {
    refuseClientRenegotiation(); // the CLI did already; an embedding process may not have
    options.setSsl(true)
        // SNI is answered by the key manager from the current generation, so Vert.x's own SNI is off
        .setKeyCertOptions(KeyCertOptions.wrap(new SniKeyManager(() -> generations.get().certificates())))
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    CIPHERS.forEach(options::addEnabledCipherSuite);
  }
}
