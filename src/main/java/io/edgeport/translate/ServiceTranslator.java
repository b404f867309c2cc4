package io.edgeport.translate;

import io.edgeport.model.LoadBalancing;
import io.edgeport.model.ServiceInfo;
import io.edgeport.net.Cidr;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Services → {@link ServiceInfo}: the parts of each Service that routing and the LoadBalancer ports use. */
public final class ServiceTranslator {
  /** On a LoadBalancer Service: its node connections start with a PROXY protocol header ("v1" or "v2"). */
  public static final String PROXY_PROTOCOL_ANNOTATION = "edgeport.io/proxy-protocol";
  /** On a LoadBalancer Service: round-robin (default), least-connections (or least-request), client-ip-hash. */
  public static final String LOAD_BALANCING_ANNOTATION = "edgeport.io/load-balancing";

  private ServiceTranslator() {}

  /**
   * Every Service by "namespace/name", in the order given.
   *
   * @param addresses edgeport's LoadBalancer addresses (kubernetes.loadBalancer; empty without): the ports a Service
   *                  holds are read from its status at these
   */
  public static Map<String, ServiceInfo> translate(List<Service> services, List<String> addresses) {
    Map<String, ServiceInfo> out = new LinkedHashMap<>();
    for (Service s : services) {
      ServiceInfo info = service(s, addresses);
      out.put(info.namespace() + "/" + info.name(), info);
    }
    return out;
  }

  public static ServiceInfo service(Service s, List<String> addresses) {
    var spec = s.getSpec();
    List<ServiceInfo.Port> ports = new ArrayList<>();
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        ports.add(new ServiceInfo.Port(p.getName(), p.getPort() == null ? 0 : p.getPort(),
            p.getNodePort() == null ? 0 : p.getNodePort(), Objects.requireNonNullElse(p.getProtocol(), "TCP"),
            p.getAppProtocol()));
      }
    }
    List<Cidr> ranges = new ArrayList<>();
    if (spec.getLoadBalancerSourceRanges() != null) {
      for (String r : spec.getLoadBalancerSourceRanges()) {
        try {
          ranges.add(Cidr.parse(r));
        } catch (IllegalArgumentException ignored) {
          // the API server validates these; an unparsable one cannot allow anyone
        }
      }
    }
    Map<String, String> annotations = Objects.requireNonNullElse(s.getMetadata().getAnnotations(), Map.of());
    String proxyProtocol = annotations.get(PROXY_PROTOCOL_ANNOTATION);
    return new ServiceInfo(s.getMetadata().getNamespace(), s.getMetadata().getName(),
        Objects.requireNonNullElse(spec.getType(), "ClusterIP"), ports, "Local".equals(spec.getExternalTrafficPolicy()),
        spec.getHealthCheckNodePort() == null ? 0 : spec.getHealthCheckNodePort(),
        "ClientIP".equals(spec.getSessionAffinity()), ranges, spec.getLoadBalancerClass(),
        "v1".equals(proxyProtocol) ? 1 : "v2".equals(proxyProtocol) ? 2 : 0,
        loadBalancing(annotations.get(LOAD_BALANCING_ANNOTATION)), created(s.getMetadata().getCreationTimestamp()),
        held(s, addresses));
  }

  /**
   * The TCP ports that the Service's status lists without an error at one of {@code addresses}: what edgeport wrote
   * for the ports it serves. Another load balancer's entries (other addresses) hold nothing here.
   */
  private static Set<Integer> held(Service s, List<String> addresses) {
    Set<Integer> out = new HashSet<>();
    List<LoadBalancerIngress> ingress = s.getStatus() == null || s.getStatus().getLoadBalancer() == null ? null
        : s.getStatus().getLoadBalancer().getIngress();
    for (LoadBalancerIngress entry : Objects.requireNonNullElse(ingress, List.<LoadBalancerIngress>of())) {
      if (entry.getPorts() != null && entry.getIp() != null && addresses.contains(entry.getIp())) { // addresses: IPs
        for (PortStatus p : entry.getPorts()) {
          if ("TCP".equals(p.getProtocol()) && p.getError() == null && p.getPort() != null) {
            out.add(p.getPort());
          }
        }
      }
    }
    return out;
  }

  /** The API server's RFC 3339 timestamp; null when missing or unreadable (such a Service claims no port first). */
  private static Instant created(String timestamp) {
    try {
      return timestamp == null ? null : Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The annotation's policy; "least-connections" is least-request counting open connections; else round-robin. */
  private static LoadBalancing loadBalancing(String name) {
    if ("least-connections".equals(name)) {
      return LoadBalancing.LEAST_REQUEST;
    }
    LoadBalancing chosen = name == null ? null : LoadBalancing.fromConfigName(name);
    return chosen == null ? LoadBalancing.ROUND_ROBIN : chosen;
  }
}
