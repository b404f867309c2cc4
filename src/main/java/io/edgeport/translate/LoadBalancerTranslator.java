package io.edgeport.translate;

import io.edgeport.config.KubernetesConfig.LoadBalancerClass;
import io.edgeport.model.BackendRef;
import io.edgeport.model.L4Route;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.ServiceInfo;
import io.edgeport.model.ServiceRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Services of type LoadBalancer that edgeport serves → their ports as {@link L4Route}s. */
public final class LoadBalancerTranslator {
  private LoadBalancerTranslator() {}

  /** Does edgeport serve this Service: of type LoadBalancer, and of the class (or of none, as the default)? */
  public static boolean serves(ServiceInfo s, LoadBalancerClass lb) {
    return s.type().equals("LoadBalancer")
        && (lb.name().equals(s.loadBalancerClass()) || s.loadBalancerClass() == null && lb.isDefault());
  }

  /** Every port of every served Service, by Service then port. */
  public static List<L4Route> of(Map<String, ServiceInfo> services, LoadBalancerClass lb) {
    List<L4Route> out = new ArrayList<>();
    services.values().stream().filter(s -> serves(s, lb))
        .sorted(Comparator.comparing((ServiceInfo s) -> s.namespace() + "/" + s.name()))
        .forEach(s -> {
          for (ServiceInfo.Port p : s.ports()) {
            String id = s.namespace() + "/" + s.name();
            BackendRef ref = !Objects.equals(p.protocol(), "TCP") ? null
                : new BackendRef(0, new ServiceRef(s.namespace(), s.name(), String.valueOf(p.port())),
                    s.loadBalancing(), lb.healthCheck(), RetryPolicy.DEFAULT, false, s.proxyProtocol());
            out.add(new L4Route(id, p.port(), p.protocol(), ref));
          }
        });
    return out;
  }
}
