package io.edgeport.tls;

import io.edgeport.net.HostNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTPS listener's certificates, immutable: one per generation, swapped whole on a reload.
 * SNI picks by the configured hosts: an exact name first, then a wildcard for its first label;
 * any other name (or none) gets the default.
 */
public final class Certificates {
  public static final Certificates NONE = new Certificates(List.of());
  /** The ALPN protocol of ACME's TLS-ALPN-01 validation handshakes (RFC 8737). */
  public static final String ACME_TLS_1 = "acme-tls/1";

  private final List<ServedCertificate> all;
  private final Map<String, ServedCertificate> exact = new HashMap<>();
  /** By the suffix a wildcard covers: {@code *.apps.example.com} → ".apps.example.com". */
  private final Map<String, ServedCertificate> wildcard = new HashMap<>();
  private final Map<String, ServedCertificate> byAlias = new HashMap<>();
  private final ServedCertificate fallback;
  /** TLS-ALPN-01: host → the validation certificate of an order under way, served only to {@code acme-tls/1}. */
  private final Map<String, ServedCertificate> validation;

  Certificates(List<ServedCertificate> all) {
    this(all, null, Map.of());
  }

  /** @param placeholder the fallback when no configured certificate is one (ACME is on), or null */
  private Certificates(List<ServedCertificate> all, ServedCertificate placeholder,
      Map<String, ServedCertificate> validation) {
    this.all = List.copyOf(all);
    this.validation = Map.copyOf(validation);
    validation.values().forEach(c -> byAlias.put(c.alias(), c));
    ServedCertificate chosenDefault = null;
    for (ServedCertificate c : this.all) {
      byAlias.put(c.alias(), c);
      for (String host : c.hosts()) {
        if (host.startsWith("*.")) {
          wildcard.putIfAbsent(host.substring(1), c);
        } else {
          exact.putIfAbsent(host, c);
        }
      }
      if (c.config().isDefault() && chosenDefault == null) {
        chosenDefault = c;
      }
    }
    if (chosenDefault == null && placeholder != null) {
      chosenDefault = this.all.stream().filter(c -> c.config().cert() != null).findFirst().orElse(placeholder);
      byAlias.put(placeholder.alias(), placeholder);
    }
    this.fallback = chosenDefault != null ? chosenDefault : this.all.isEmpty() ? null : this.all.get(0);
  }

  /**
   * The config's certificates, then the cluster's (Ingress TLS): for a host named by both, and for the
   * default, the config's win.
   */
  public static Certificates of(Certificates configured, List<ServedCertificate> fromCluster) {
    if (fromCluster.isEmpty()) {
      return configured;
    }
    List<ServedCertificate> all = new java.util.ArrayList<>(configured.all);
    all.addAll(fromCluster);
    return new Certificates(all);
  }

  /**
   * The config's certificates, those obtained by ACME, then the cluster's; a host
   * without one gets the configured default, or the first configured certificate, or else {@code placeholder}.
   *
   * @param validation TLS-ALPN-01 answers of the orders under way, by host
   */
  public static Certificates of(Certificates configured, List<ServedCertificate> fromCluster,
      List<ServedCertificate> fromAcme, ServedCertificate placeholder, Map<String, ServedCertificate> validation) {
    if (placeholder == null && fromAcme.isEmpty() && validation.isEmpty()) {
      return of(configured, fromCluster);
    }
    List<ServedCertificate> all = new java.util.ArrayList<>(configured.all);
    // ACME's before the cluster's: a host the config asked ACME for is not taken over by any Ingress's Secret (and a
    // cluster request is ordered only for a host no Secret serves)
    all.addAll(fromAcme);
    all.addAll(fromCluster);
    return new Certificates(all, placeholder, validation);
  }

  /** The TLS-ALPN-01 validation certificate for a handshake that asked for {@code acme-tls/1}, or null. */
  public ServedCertificate validation(String serverName) {
    return serverName == null || validation.isEmpty() ? null : validation.get(HostNames.routingKey(serverName));
  }

  public List<ServedCertificate> all() {
    return all;
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  /** The certificate for a client's SNI name, or the default for null or a name no certificate lists. */
  public ServedCertificate select(String serverName) {
    if (serverName != null) {
      String name = HostNames.routingKey(serverName);
      if (name != null) {
        ServedCertificate c = exact.get(name);
        if (c != null) {
          return c;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
          c = wildcard.get(name.substring(dot));
          if (c != null) {
            return c;
          }
        }
      }
    }
    return fallback;
  }

  ServedCertificate byAlias(String alias) {
    return byAlias.get(alias);
  }

  /** The same certificates from the same, unchanged files. */
  public boolean sameAs(Certificates other) {
    if (other.all.size() != all.size()) {
      return false;
    }
    for (int i = 0; i < all.size(); i++) {
      if (!all.get(i).sameAs(other.all.get(i).config(), other.all.get(i).pem())) {
        return false;
      }
    }
    return true;
  }
}
