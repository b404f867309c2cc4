package io.edgeport.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each endpoint in turn. */
final class RoundRobin extends EndpointListPicker {
  private final AtomicInteger next = new AtomicInteger();

  RoundRobin(List<Endpoint> endpoints) {
    super(endpoints);
  }

  @Override
  public int pick(PickContext request) {
    return Math.floorMod(next.getAndIncrement(), endpoints.size());
  }
}
