package io.edgeport.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: of two endpoints drawn at random, the one with fewer requests in flight.
 * Nearly as good as a full scan, O(1), and avoids the herd that "always the least loaded" causes.
 */
final class LeastRequest extends EndpointListPicker {

  LeastRequest(List<Endpoint> endpoints) {
    super(endpoints);
  }

  @Override
  public int pick(PickContext request) {
    int n = endpoints.size();
    if (n == 1) {
      return 0;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    return endpoints.get(b).inFlight() < endpoints.get(a).inFlight() ? b : a;
  }
}
