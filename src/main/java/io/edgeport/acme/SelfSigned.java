package io.edgeport.acme;

import io.edgeport.config.CertificateConfig;
import io.edgeport.tls.ServedCertificate;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.shredzone.acme4j.util.CertificateUtils;

/**
 * The self-signed certificates edgeport makes (with the JDK's keys and signatures; BouncyCastle only builds them, it
 * is not registered as a provider): the placeholder served for hosts still waiting for their certificate when no
 * {@code tls:} default exists (for no real name: a client sees a certificate error, never a stranger's site), and
 * the TLS-ALPN-01 validation certificates (RFC 8737).
 */
final class SelfSigned {
  static final String PLACEHOLDER_NAME = "edgeport-placeholder.invalid";

  private SelfSigned() {}

  static ServedCertificate placeholder() {
    KeyPair key = Keys.ec();
    return new ServedCertificate("edgeport-placeholder", new CertificateConfig(List.of(), null, null, false,
        "placeholder (self-signed, until ACME certificates arrive)"),
        new X509Certificate[] {build(key, PLACEHOLDER_NAME, Duration.ofDays(3650), null)}, key.getPrivate(),
        List.of(PLACEHOLDER_NAME), new byte[0]);
  }

  /** @param acmeValidation the SHA-256 of the key authorization, for the critical acmeIdentifier extension */
  static X509Certificate tlsAlpn01(KeyPair key, String host, byte[] acmeValidation) {
    return build(key, host, Duration.ofDays(7), acmeValidation);
  }

  private static X509Certificate build(KeyPair key, String name, Duration validity, byte[] acmeValidation) {
    try {
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name);
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(validity)), subject, key.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
      if (acmeValidation != null) {
        builder.addExtension(CertificateUtils.ACME_VALIDATION, true, new DEROctetString(acmeValidation));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a self-signed certificate for " + name, e);
    }
  }
}
