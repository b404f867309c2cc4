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

  private final List<ServedCertificate> all;
  private final Map<String, ServedCertificate> exact = new HashMap<>();
  /** By the suffix a wildcard covers: {@code *.apps.example.com} → ".apps.example.com". */
  private final Map<String, ServedCertificate> wildcard = new HashMap<>();
  private final Map<String, ServedCertificate> byAlias = new HashMap<>();
  private final ServedCertificate fallback;

  Certificates(List<ServedCertificate> all) {
    this.all = List.copyOf(all);
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
