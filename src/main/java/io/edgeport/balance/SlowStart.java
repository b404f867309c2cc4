package io.edgeport.balance;

import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Slow start: a node that just (re)entered service gets a share of requests that ramps up from 10 %
 * to full over the ramp, so a cold node is not flooded. The policy's pick is taken with probability
 * equal to that node's weight, else the next node in turn is offered the request the same way.
 * Not for client-ip-hash, whose point is that a client stays put.
 */
final class SlowStart implements EndpointPicker {
  private final EndpointPicker policy;
  private final long rampNanos;
  private final LongSupplier clock;
  private final DoubleSupplier random;

  SlowStart(EndpointPicker policy, long rampNanos, LongSupplier clock, DoubleSupplier random) {
    this.policy = policy;
    this.rampNanos = rampNanos;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public List<Endpoint> endpoints() {
    return policy.endpoints();
  }

  @Override
  public int pick(PickContext request) {
    int first = policy.pick(request);
    List<Endpoint> endpoints = policy.endpoints();
    long now = clock.getAsLong();
    for (int i = 0; i < endpoints.size(); i++) {
      int index = (first + i) % endpoints.size();
      double weight = endpoints.get(index).rampWeight(now, rampNanos);
      if (weight >= 1 || random.getAsDouble() < weight) {
        return index;
      }
    }
    return first; // every node is ramping and all declined: the policy's choice stands
  }
}
