package io.edgeport.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the certificate of a TLS handshake by the client's SNI name, from whatever certificates
 * the current generation holds: a reload swaps them without touching the listener, and no cache
 * grows with the names clients send.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {
  private final Supplier<Certificates> certificates;

  public SniKeyManager(Supplier<Certificates> certificates) {
    this.certificates = certificates;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (engine != null && Certificates.ACME_TLS_1.equals(engine.getHandshakeApplicationProtocol())) {
      // TLS 1.3 has chosen the ALPN protocol by the time the key is (TLS 1.2 has not: its validators get no answer)
      ServedCertificate c = certificates.get().validation(serverName(engine.getHandshakeSession()));
      return c != null && c.key().getAlgorithm().equals(keyType) ? c.alias() : null;
    }
    return choose(keyType, engine == null ? null : engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType, null);
  }

  private String choose(String keyType, SSLSession handshake) {
    ServedCertificate c = certificates.get().select(serverName(handshake));
    // the engine asks once per key type it can use; answer only for the chosen certificate's
    return c != null && c.key().getAlgorithm().equals(keyType) ? c.alias() : null;
  }

  /** The host name a client asked for by SNI in the handshake of {@code session}, or null. */
  public static String serverName(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      List<SNIServerName> names = extended.getRequestedServerNames();
      for (int i = 0; i < names.size(); i++) { // no iterator: this runs for every HTTPS request
        if (names.get(i) instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    ServedCertificate c = certificates.get().byAlias(alias);
    return c == null ? null : c.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    ServedCertificate c = certificates.get().byAlias(alias);
    return c == null ? null : c.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return certificates.get().all().stream().filter(c -> c.key().getAlgorithm().equals(keyType))
        .map(ServedCertificate::alias).toArray(String[]::new);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // a server key manager
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
