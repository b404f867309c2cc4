package io.edgeport.cluster.kubernetes;

import io.edgeport.cluster.ServiceEvents;
import io.edgeport.model.L4Conflict;
import io.edgeport.model.L4Route;
import io.edgeport.translate.LoadBalancerTranslator;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The status of the served LoadBalancer Services, written by the Lease holder: one {@code status.loadBalancer.ingress}
 * entry per address ({@code ipMode: Proxy}: traffic goes through edgeport, not straight to the nodes) listing every
 * port of the Service, those edgeport does not serve with an {@code error}: {@code PortInUse} (another Service has
 * it) or {@code ProtocolNotSupported} (UDP, SCTP). The ports listed without an error are what the Service holds
 * ({@link io.edgeport.translate.ServiceTranslator}), so every replica and every restart agree on who has a port.
 * A Service none of whose ports is served gets no entry: it shows no address ({@code kubectl get svc}: pending), so
 * that external-dns, {@code helm --wait} and the like do not take it for ready.
 */
final class LoadBalancerStatus {
  private static final String PROTOCOL_NOT_SUPPORTED = "ProtocolNotSupported";

  private final KubernetesClient client;
  private final List<String> addresses;
  /** Writes a status ({@code what}, the call), on a worker. */
  private final BiConsumer<String, Runnable> write;
  /** The refusals reported (until they end): a write seen late by the informer does not report one again. */
  private Set<L4Conflict> reported = Set.of();

  LoadBalancerStatus(KubernetesClient client, List<String> addresses, BiConsumer<String, Runnable> write) {
    this.client = client;
    this.addresses = List.copyOf(addresses);
    this.write = write;
  }

  /**
   * Writes the status of each Service of {@code served} that shows another. A port newly refused (its status does not
   * show it so yet) is reported as a Warning Event {@code PortInUse} on the Service: once per refusal, by the Lease
   * holder; not again after a restart or by the next holder where the status shows it (a Service with a port
   * served), once more by a new holder where it cannot (a Service with none served shows no ports).
   */
  void write(List<Service> served, LoadBalancerTranslator.Ports ports, ServiceEvents events) {
    Map<String, List<PortStatus>> wanted = new HashMap<>();
    for (L4Route r : ports.routes()) {
      wanted.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(new PortStatus(
          r.backend() == null ? PROTOCOL_NOT_SUPPORTED : null, r.port(), r.protocol()));
    }
    for (L4Conflict c : ports.conflicts()) {
      wanted.computeIfAbsent(c.service(), k -> new ArrayList<>()).add(new PortStatus(L4Conflict.PORT_IN_USE, c.port(),
          "TCP"));
    }
    reported = new HashSet<>(reported);
    reported.retainAll(ports.conflicts());
    for (Service svc : served) {
      String ns = svc.getMetadata().getNamespace();
      String name = svc.getMetadata().getName();
      List<LoadBalancerIngress> next = ingress(wanted.getOrDefault(ns + "/" + name, List.of()));
      List<LoadBalancerIngress> current = svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
          ? List.of() : Objects.requireNonNullElse(svc.getStatus().getLoadBalancer().getIngress(), List.of());
      ports.conflicts().stream().filter(c -> c.service().equals(ns + "/" + name) && !shownRefused(current, c.port()))
          .filter(reported::add).forEach(c -> events.report(c.service(), L4Conflict.PORT_IN_USE, c.toRefused()));
      if (!next.equals(current)) {
        write.accept("service " + ns + "/" + name, () -> client.services().inNamespace(ns).withName(name)
            .editStatus(s -> {
              s.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().withIngress(next).endLoadBalancer().build());
              return s;
            }));
      }
    }
  }

  /** One entry per address with {@code ports}; none when no port is served. */
  private List<LoadBalancerIngress> ingress(List<PortStatus> ports) {
    if (ports.stream().allMatch(p -> p.getError() != null)) {
      return List.of();
    }
    return addresses.stream()
        .map(a -> new LoadBalancerIngressBuilder().withIp(a).withIpMode("Proxy").withPorts(ports).build()).toList();
  }

  /** Does the status show the TCP port refused already (as edgeport wrote it)? */
  private boolean shownRefused(List<LoadBalancerIngress> current, int port) {
    return current.stream().filter(e -> e.getIp() != null && addresses.contains(e.getIp()) && e.getPorts() != null)
        .flatMap(e -> e.getPorts().stream())
        .anyMatch(p -> p.getPort() == port && "TCP".equals(p.getProtocol()) && L4Conflict.PORT_IN_USE.equals(p.getError()));
  }
}
