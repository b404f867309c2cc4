package io.edgeport.cluster;

import java.util.List;

/**
 * A certificate an Ingress asks to be served with ({@code spec.tls}), read from its Secret.
 *
 * @param hosts  the entry's hosts (the Ingress's rule hosts when the entry lists none)
 * @param certPem the Secret's {@code tls.crt}; {@code keyPem} its {@code tls.key}
 * @param origin {@code ingress NAMESPACE/NAME secret NAME}, for logs and status
 */
public record IngressCertificate(List<String> hosts, String certPem, String keyPem, String origin) {
  public IngressCertificate {
    hosts = List.copyOf(hosts);
  }
}
