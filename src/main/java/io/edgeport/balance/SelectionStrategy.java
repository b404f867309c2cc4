package io.edgeport.balance;

import io.edgeport.model.LoadBalancing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Builds the balancer for one set of endpoints; one strategy per policy. */
@FunctionalInterface
public interface SelectionStrategy {

  /** @param endpoints at least one */
  EndpointPicker create(List<Endpoint> endpoints);

  static SelectionStrategy of(LoadBalancing policy) {
    return switch (policy) {
      case ROUND_ROBIN -> RoundRobin::new;
      case LEAST_REQUEST -> LeastRequest::new;
      case CLIENT_IP_HASH -> ClientIpHash::new;
    };
  }

  /**
   * The policy, with a slow start of {@code ramp} for endpoints that (re)enter service (none for
   * client-ip-hash, or when {@code ramp} is zero).
   */
  static SelectionStrategy of(LoadBalancing policy, Duration ramp) {
    SelectionStrategy plain = of(policy);
    if (ramp.isZero() || policy == LoadBalancing.CLIENT_IP_HASH) {
      return plain;
    }
    long rampNanos = ramp.toNanos();
    return endpoints -> new SlowStart(plain.create(endpoints), rampNanos, System::nanoTime,
        () -> ThreadLocalRandom.current().nextDouble());
  }
}
