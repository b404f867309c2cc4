package io.edgeport.balance;

import java.util.List;

/**
 * Places requests on a fixed set of endpoints. Immutable apart from its own counters: a new set of
 * endpoints gets a new balancer, built by a {@link SelectionStrategy}.
 */
public interface EndpointPicker {

  List<Endpoint> endpoints();

  /**
   * @return the index into {@link #endpoints()} of the first endpoint to try; a retry after a
   *     failed connect goes on to the next index, wrapping around, so every endpoint is tried once
   */
  int pick(PickContext request);
}
