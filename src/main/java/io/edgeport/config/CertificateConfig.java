package io.edgeport.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One certificate of the HTTPS listener, from PEM files.
 *
 * @param hosts     the names it serves, lower-case, exact or {@code *.suffix}; SNI picks by them
 * @param cert      the certificate and its chain (leaf first)
 * @param key       its private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC)
 * @param isDefault served to clients without SNI or with a name no certificate lists (else the first is)
 * @param origin    where it was declared ({@code FILE:LINE}, or an Ingress), for errors and status
 */
public record CertificateConfig(List<String> hosts, Path cert, Path key, boolean isDefault, String origin) {
  public CertificateConfig {
    hosts = List.copyOf(hosts);
  }
}
