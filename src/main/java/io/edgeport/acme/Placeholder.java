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
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * What HTTPS serves for a host still waiting for its certificate when no {@code tls:} default exists: a self-signed
 * certificate made at start, for no real name, so a client sees a certificate error and never a stranger's site.
 */
final class Placeholder {
  static final String NAME = "edgeport-placeholder.invalid";

  private Placeholder() {}

  static ServedCertificate make() {
    try {
      KeyPair key = Keys.ec();
      Instant now = Instant.now();
      X500Name name = new X500Name("CN=" + NAME);
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(3650))), name, key.getPublic());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
      return new ServedCertificate("edgeport-placeholder", new CertificateConfig(List.of(), null, null, false,
          "placeholder (self-signed, until ACME certificates arrive)"), new X509Certificate[] {cert},
          key.getPrivate(), List.of(NAME), new byte[0]);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the placeholder certificate", e);
    }
  }
}
