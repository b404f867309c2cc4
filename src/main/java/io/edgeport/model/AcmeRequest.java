package io.edgeport.model;

/**
 * A host that a cluster object asks an ACME certificate for: a {@code spec.tls} host of an Ingress, or the hostname of
 * an HTTPS Gateway listener, opted in with {@code edgeport.io/acme: "true"}, whose Secret does not exist.
 *
 * @param host   canonical (lower case, no trailing dot): exact, or {@code *.suffix} (which the HTTP-01 and TLS-ALPN-01
 *               challenges cannot obtain: reported so, never served with another certificate)
 * @param origin {@code ingress NAMESPACE/NAME} or {@code gateway NAMESPACE/NAME listener NAME}, for logs and status
 */
public record AcmeRequest(String host, String origin) {}
