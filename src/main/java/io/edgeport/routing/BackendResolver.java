package io.edgeport.routing;

import io.edgeport.model.BackendRef;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.net.Cidr;
import java.util.List;

/** Turns a configured backend into what routing needs now: a nodePort and its rules, or why it cannot serve. */
@FunctionalInterface
public interface BackendResolver {

  /** Backends that name their nodePort: nothing to look up. */
  BackendResolver STATIC = ref -> new Resolved(ref.nodePort(), ref.loadBalancing(), ref.healthCheck(), List.of(),
      ref.h2c());

  Resolution resolve(BackendRef ref);

  sealed interface Resolution permits Resolved, Unavailable {}

  /**
   * @param allowedSources client networks allowed in (empty: everyone)
   * @param h2c            the nodes are spoken to in cleartext HTTP/2: the backend asks it, or the Service port's
   *                       appProtocol says {@code kubernetes.io/h2c}
   */
  record Resolved(int nodePort, LoadBalancing loadBalancing, HealthCheck healthCheck, List<Cidr> allowedSources,
      boolean h2c) implements Resolution {
    public Resolved {
      allowedSources = List.copyOf(allowedSources);
    }
  }

  /** The backend cannot serve now; its routes answer 503, and {@code reason} goes to the log and status. */
  record Unavailable(String reason) implements Resolution {}
}
