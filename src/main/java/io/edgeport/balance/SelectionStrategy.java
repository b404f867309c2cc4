package io.edgeport.balance;

import io.edgeport.config.LoadBalancing;
import java.util.List;

/** Builds the balancer for one set of endpoints; one strategy per policy. */
@FunctionalInterface
public interface SelectionStrategy {

  /** @param endpoints at least one */
  LoadBalancer create(List<Endpoint> endpoints);

  static SelectionStrategy of(LoadBalancing policy) {
    return switch (policy) {
      case ROUND_ROBIN -> RoundRobin::new;
      case LEAST_REQUEST -> LeastRequest::new;
      case CLIENT_IP_HASH -> ClientIpHash::new;
    };
  }
}
