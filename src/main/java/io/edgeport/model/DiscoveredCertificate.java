package io.edgeport.model;

import java.util.List;

/**
 * A certificate an Ingress asks to be served with ({@code spec.tls}), read from its Secret.
 *
 * @param hosts  the entry's hosts (the Ingress's rule hosts when the entry lists none)
 * @param certPem the Secret's {@code tls.crt}; {@code keyPem} its {@code tls.key}
 * @param origin {@code ingress NAMESPACE/NAME secret NAME}, for logs and status
 */
public record DiscoveredCertificate(List<String> hosts, String certPem, String keyPem, String origin) {
  public DiscoveredCertificate {
    hosts = List.copyOf(hosts);
  }
}
