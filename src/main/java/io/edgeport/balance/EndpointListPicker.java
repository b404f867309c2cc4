package io.edgeport.balance;

import java.util.List;

/** What every balancer has: an immutable, non-empty list of endpoints to pick from. */
abstract class EndpointListPicker implements EndpointPicker {
  protected final List<Endpoint> endpoints;

  EndpointListPicker(List<Endpoint> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public final List<Endpoint> endpoints() {
    return endpoints;
  }
}
