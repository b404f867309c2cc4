package io.edgeport.admin;

import io.edgeport.tls.ServedCertificate;

/** Where a served certificate comes from, as status and metrics name it. */
enum CertificateSource {
  /** A {@code tls:} entry's files (renewed by whatever writes them: certbot, a reload follows). */
  FILE,
  /** A Kubernetes Secret that an Ingress or a Gateway listener names (renewed by whatever writes it: cert-manager). */
  SECRET,
  /** Obtained and renewed by edgeport itself. */
  ACME;

  /** The prefix of the origin the ACME manager gives the certificates it serves ({@code acme HOST}). */
  private static final String ACME_ORIGIN = "acme ";

  static CertificateSource of(ServedCertificate c) {
    if (c.config().cert() != null) {
      return FILE;
    }
    return c.config().origin().startsWith(ACME_ORIGIN) ? ACME : SECRET;
  }

  /** As status and metrics show it: {@code file}, {@code secret}, {@code acme}. */
  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
