package io.edgeport.acme;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.model.AcmeRequest;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which hosts get an ACME certificate: a pure function of the config and the cluster's requests. */
public final class AcmeHosts {
  private AcmeHosts() {}

  /**
   * The {@code domains:} hosts that no {@code tls:} entry covers and that did not opt out, then the cluster's
   * requests (Ingresses, Gateways that opted in) that the config does not cover either; one entry per host, the
   * first asking wins. A cluster request for a host a cluster Secret serves ({@code clusterCertificates}) or that the
   * config opted out ({@code acme: false}) is not ordered for. Wildcards are kept: they are reported as not
   * obtainable.
   */
  public static List<AcmeRequest> wanted(EdgeportConfig config, List<AcmeRequest> fromCluster,
      List<DiscoveredCertificate> clusterCertificates) {
    if (config.acme() == null) {
      return List.of();
    }
    List<List<String>> configured = config.tls().stream().map(c -> c.hosts()).toList();
    List<List<String>> served = new ArrayList<>(configured);
    clusterCertificates.forEach(c -> served.add(c.hosts()));
    Map<String, AcmeRequest> out = new LinkedHashMap<>();
    for (Domain d : config.domains()) {
      // only the config's own tls: entries count: an Ingress's Secret cannot take a config host's certificate away
      if (!config.acme().optedOut().contains(d.host()) && !covered(configured, d.host())) {
        out.putIfAbsent(d.host(), new AcmeRequest(d.host(), d.origin()));
      }
    }
    for (AcmeRequest r : fromCluster) {
      if (!config.acme().optedOut().contains(r.host()) && !covered(served, r.host())) {
        out.putIfAbsent(r.host(), r);
      }
    }
    return List.copyOf(new ArrayList<>(out.values()));
  }

  /** Why ACME's HTTP-01 and TLS-ALPN-01 cannot obtain a certificate for {@code host}, or null: they can. */
  public static String notObtainable(String host) {
    return host.startsWith("*.") || host.equals("*")
        ? "a wildcard needs the DNS-01 challenge, which edgeport does not answer: give it a tls: certificate"
        : null;
  }

  /** Does a certificate of these names serve {@code host} (named exactly, or by a wildcard for its first label)? */
  static boolean covered(List<List<String>> certificates, String host) {
    int dot = host.indexOf('.');
    String parent = dot > 0 && !host.startsWith("*.") ? "*" + host.substring(dot) : null;
    for (List<String> names : certificates) {
      if (names.contains(host) || parent != null && names.contains(parent)) {
        return true;
      }
    }
    return false;
  }
}
