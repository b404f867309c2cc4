package io.edgeport.balance;

import java.util.List;

/**
 * Rendezvous (highest random weight) hashing of the client address: each client goes to the
 * endpoint with the highest score for it, so when an endpoint leaves only its own clients move
 * (about 1/N), unlike hash-modulo-N which moves almost everyone.
 */
final class ClientIpHash extends EndpointListPicker {

  ClientIpHash(List<Endpoint> endpoints) {
    super(endpoints);
  }

  @Override
  public int pick(PickContext request) {
    long client = Hashing.hash64(request.clientAddress());
    int best = 0;
    long bestScore = Long.MIN_VALUE;
    for (int i = 0; i < endpoints.size(); i++) {
      long score = Hashing.mix(client ^ endpoints.get(i).hash());
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return best;
  }
}
