package io.edgeport.translate;

import io.edgeport.config.KubernetesConfig.LoadBalancerClass;
import io.edgeport.model.BackendRef;
import io.edgeport.model.L4Conflict;
import io.edgeport.model.L4Route;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.ServiceInfo;
import io.edgeport.model.ServiceRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/** Services of type LoadBalancer that edgeport serves → their ports as {@link L4Route}s. */
public final class LoadBalancerTranslator {
  /**
   * Who claims a port first (after the Services that hold it): the older Service (by creationTimestamp, one without it
   * last), then by namespace/name. The same on every replica and after every restart.
   */
  private static final Comparator<ServiceInfo> CLAIM_ORDER = Comparator
      .comparing(ServiceInfo::created, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(LoadBalancerTranslator::id);

  private LoadBalancerTranslator() {}

  /**
   * The ports of the served Services.
   *
   * @param routes    every port of every served Service, oldest Service first, then by port as the Service lists
   *                  them, but the refused ones
   * @param conflicts the TCP ports not served because another Service has them, in the same order
   */
  public record Ports(List<L4Route> routes, List<L4Conflict> conflicts) {
    public static final Ports NONE = new Ports(List.of(), List.of());

    public Ports {
      routes = List.copyOf(routes);
      conflicts = List.copyOf(conflicts);
    }
  }

  /** Does edgeport serve this Service: of type LoadBalancer, and of the class (or of none, as the default)? */
  public static boolean serves(ServiceInfo s, LoadBalancerClass lb) {
    return s.type().equals("LoadBalancer")
        && (lb.name().equals(s.loadBalancerClass()) || s.loadBalancerClass() == null && lb.isDefault());
  }

  /**
   * Every port of every served Service; a TCP port is one Service's, the others asking for it are refused. It is the
   * Service's that holds it and still asks for it (of two holders, the first in {@link #CLAIM_ORDER}), else the first
   * in that order that asks for it: a Service cannot take a port another serves by being older, and what edgeport
   * wrote into the status decides the same on every replica and after every restart. A UDP or SCTP port claims
   * nothing: edgeport does not relay it, so it listens on nothing that a TCP port could collide with.
   */
  public static Ports of(Map<String, ServiceInfo> services, LoadBalancerClass lb) {
    List<ServiceInfo> served = services.values().stream().filter(s -> serves(s, lb)).sorted(CLAIM_ORDER).toList();
    Map<Integer, String> holders = new HashMap<>();
    served.forEach(s -> tcpPorts(s).filter(p -> s.heldPorts().contains(p.port()))
        .forEach(p -> holders.putIfAbsent(p.port(), id(s))));
    served.forEach(s -> tcpPorts(s).forEach(p -> holders.putIfAbsent(p.port(), id(s))));
    List<L4Route> out = new ArrayList<>();
    List<L4Conflict> refused = new ArrayList<>();
    for (ServiceInfo s : served) {
      String id = id(s);
      for (ServiceInfo.Port p : s.ports()) {
        if (!isTcp(p)) {
          out.add(new L4Route(id, p.port(), p.protocol(), null));
        } else if (!holders.get(p.port()).equals(id)) {
          refused.add(new L4Conflict(id, p.port(), holders.get(p.port())));
        } else {
          out.add(new L4Route(id, p.port(), p.protocol(),
              new BackendRef(0, new ServiceRef(s.namespace(), s.name(), String.valueOf(p.port())), s.loadBalancing(),
                  lb.healthCheck(), RetryPolicy.DEFAULT, false, s.proxyProtocol())));
        }
      }
    }
    return new Ports(out, refused);
  }

  private static String id(ServiceInfo s) {
    return s.namespace() + "/" + s.name();
  }

  private static boolean isTcp(ServiceInfo.Port p) {
    return Objects.equals(p.protocol(), "TCP");
  }

  private static Stream<ServiceInfo.Port> tcpPorts(ServiceInfo s) {
    return s.ports().stream().filter(LoadBalancerTranslator::isTcp);
  }
}
