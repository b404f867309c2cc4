package io.edgeport.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each endpoint in turn. */
final class RoundRobin implements LoadBalancer {
  private final List<Endpoint> endpoints;
  private final AtomicInteger next = new AtomicInteger();

  RoundRobin(List<Endpoint> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public int pick(PickContext request) {
    return Math.floorMod(next.getAndIncrement(), endpoints.size());
  }
}
