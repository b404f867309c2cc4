package io.edgeport.tls;

import io.edgeport.config.CertificateConfig;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * A certificate as the HTTPS listener serves it: the chain and key read from its files, checked.
 *
 * @param alias  its name toward the TLS engine, unique in the process (a reload keeps an unchanged one's)
 * @param names  the DNS names the leaf certifies (its subjectAltNames, or its CN when it has none)
 * @param pem    the bytes of the certificate and key files as read, to see whether a reload changed them
 */
public record ServedCertificate(String alias, CertificateConfig config, X509Certificate[] chain, PrivateKey key,
    List<String> names, byte[] pem) {

  public X509Certificate leaf() {
    return chain[0];
  }

  /**
   * The host names it is served for: those configured, or (a Gateway HTTPS listener without a hostname) the names
   * it certifies.
   */
  public List<String> hosts() {
    return config.hosts().isEmpty() ? names : config.hosts();
  }

  /** Same files, same contents. */
  boolean sameAs(CertificateConfig otherConfig, byte[] otherPem) {
    return config.equals(otherConfig) && Arrays.equals(pem, otherPem);
  }
}
