package io.edgeport.proxy;

import io.edgeport.tls.Certificates;
import io.edgeport.tls.SniKeyManager;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

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
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setSslEngineOptions(new AcmeAlpn());
    CIPHERS.forEach(options::addEnabledCipherSuite);
  }

  /**
   * The JDK engine, with {@code acme-tls/1} offered after h2 and http/1.1: a CA's TLS-ALPN-01 validator (which
   * offers only it) gets it and the validation certificate ({@link SniKeyManager}); no browser offers it, so no
   * one else is affected. Vert.x takes ALPN names only from HTTP versions, hence the factory's list is extended.
   */
  static final class AcmeAlpn extends JdkSSLEngineOptions {
    @Override
    public SslContextFactory sslContextFactory() {
      SslContextFactory jdk = super.sslContextFactory();
      return new SslContextFactory() {
        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
          jdk.useAlpn(useAlpn);
          return this;
        }

        @Override
        public SslContextFactory clientAuth(ClientAuth clientAuth) {
          jdk.clientAuth(clientAuth);
          return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
          jdk.forClient(forClient);
          return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
          jdk.keyMananagerFactory(kmf);
          return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
          jdk.trustManagerFactory(tmf);
          return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> suites) {
          jdk.enabledCipherSuites(suites);
          return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> protocols) {
          List<String> all = new ArrayList<>(protocols);
          if (!all.isEmpty()) {
            all.add(Certificates.ACME_TLS_1);
          }
          jdk.applicationProtocols(all);
          return this;
        }

        @Override
        public SslContextFactory serverName(String name) {
          jdk.serverName(name);
          return this;
        }

        @Override
        public SslContext create() throws SSLException {
          return jdk.create();
        }
      };
    }

    @Override
    public AcmeAlpn copy() {
      return new AcmeAlpn();
    }
  }
}
