package io.edgeport.routing;

import io.edgeport.balance.Endpoint;
import io.edgeport.routing.BackendResolver.Resolved;
import java.util.List;

/** Which endpoints of a backend take traffic in the generation being built (health decides in production). */
@FunctionalInterface
public interface EndpointFilter {

  List<Endpoint> endpoints(Resolved backend, List<String> nodes);
}
