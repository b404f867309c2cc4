package io.edgeport.tls;

import io.edgeport.config.CertificateConfig;
import io.vertx.core.net.impl.pkcs1.PrivateKeyParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * Reads and checks the certificate files of a config: each must parse, its key must be the
 * certificate's, it must be valid now, and it must certify every host it is listed for. All
 * problems are collected, so {@code check} and a refused reload name every one. Blocking: file reads.
 */
public final class CertificateLoader {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final AtomicLong ALIASES = new AtomicLong();

  private CertificateLoader() {}

  /** Why certificates cannot be served, one line per problem. */
  public static final class CertificateProblems extends Exception {
    private final List<String> problems;

    public CertificateProblems(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /**
   * @param previous what is served now: an entry whose files did not change keeps its alias (so a
   *                 handshake under way across the swap still finds its key)
   */
  public static Certificates load(List<CertificateConfig> configs, Certificates previous, Instant now)
      throws CertificateProblems {
    List<String> problems = new ArrayList<>();
    List<ServedCertificate> out = new ArrayList<>();
    for (CertificateConfig c : configs) {
      try {
        out.add(load(c, previous, now));
      } catch (IllegalArgumentException e) {
        problems.add("tls (" + c.origin() + "): " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new CertificateProblems(problems);
    }
    return new Certificates(out);
  }

  private static ServedCertificate load(CertificateConfig c, Certificates previous, Instant now) {
    return check(c, read(c.cert(), "cert"), read(c.key(), "key"), "the certificate " + c.cert(), "the key " + c.key(),
        previous, now);
  }

  /**
   * A certificate from PEM text (an Ingress's Secret), checked like a file's.
   *
   * @throws IllegalArgumentException why it cannot be served
   */
  public static ServedCertificate fromPem(List<String> hosts, String certPem, String keyPem, String origin,
      Certificates previous, Instant now) {
    return check(new CertificateConfig(hosts, null, null, false, origin), certPem.getBytes(StandardCharsets.US_ASCII),
        keyPem.getBytes(StandardCharsets.US_ASCII), "the certificate of " + origin, "the key of " + origin, previous,
        now);
  }

  private static ServedCertificate check(CertificateConfig c, byte[] certPem, byte[] keyPem, String certName,
      String keyName, Certificates previous, Instant now) {
    byte[] both = new byte[certPem.length + keyPem.length];
    System.arraycopy(certPem, 0, both, 0, certPem.length);
    System.arraycopy(keyPem, 0, both, certPem.length, keyPem.length);
    X509Certificate[] chain = certificates(certPem, certName);
    PrivateKey key = privateKey(keyPem, keyName);
    X509Certificate leaf = chain[0];
    if (!matches(key, leaf.getPublicKey())) {
      throw new IllegalArgumentException(keyName + " does not belong to " + certName);
    }
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException(certName + " expired on " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new IllegalArgumentException(certName + " is not valid before " + leaf.getNotBefore().toInstant());
    }
    List<String> names = names(leaf);
    for (String host : c.hosts()) {
      if (!covers(names, host)) {
        throw new IllegalArgumentException(certName + " does not cover " + host + " (it certifies " + names + ")");
      }
    }
    for (ServedCertificate p : previous.all()) {
      if (p.sameAs(c, both)) {
        return p;
      }
    }
    return new ServedCertificate("edgeport-" + ALIASES.incrementAndGet(), c, chain, key, List.copyOf(names), both);
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " " + file + ": cannot read: " + e.getMessage());
    }
  }

  private static X509Certificate[] certificates(byte[] pem, String file) {
    try {
      Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem));
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(file + " holds no PEM certificate");
      }
      return certs.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage());
    }
  }

  /** PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). */
  static PrivateKey privateKey(byte[] pem, String file) {
    Matcher m = PEM.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": the " + type + " is not valid base64");
      }
      try {
        switch (type) {
          case "PRIVATE KEY":
            String algorithm = PrivateKeyParser.getPKCS8EncodedKeyAlgorithm(der);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
          case "RSA PRIVATE KEY":
            return KeyFactory.getInstance("RSA").generatePrivate(PrivateKeyParser.getRSAKeySpec(der));
          case "EC PRIVATE KEY":
            return KeyFactory.getInstance("EC").generatePrivate(PrivateKeyParser.getECKeySpec(der));
          case "ENCRYPTED PRIVATE KEY":
            throw new IllegalArgumentException(file + " is encrypted; edgeport needs it unencrypted"
                + " (openssl pkey -in " + file + " -out plain.key), readable only by edgeport's user");
          default:
            // EC PARAMETERS and the like come before the key: keep looking
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
            && iae.getMessage().startsWith(file)) {
          throw iae;
        }
        throw new IllegalArgumentException(file + ": cannot read the " + type + ": " + e.getMessage());
      }
    }
    throw new IllegalArgumentException(file + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or"
        + " EC PRIVATE KEY)");
  }

  /** Does {@code key} sign what {@code publicKey} verifies? (Works for RSA, EC and EdDSA alike.) */
  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The DNS names a certificate certifies: its subjectAltNames, or its CN when it has none (old certificates). */
  static List<String> names(X509Certificate leaf) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            out.add(san.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable SANs: fall back to the CN
    }
    if (out.isEmpty()) {
      String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
      Matcher cn = Pattern.compile("(?:^|,)CN=([^,]+)").matcher(dn);
      if (cn.find()) {
        out.add(cn.group(1).toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** Is {@code host} (exact or {@code *.suffix}) certified by one of {@code names}? */
  static boolean covers(List<String> names, String host) {
    for (String name : names) {
      if (name.equals(host)) {
        return true;
      }
      if (!host.startsWith("*.") && name.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot).equals(name.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }
}
