package io.edgeport.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.model.LoadBalancing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointPickerTest {

  static List<Endpoint> endpoints(int n) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Endpoint("10.0.0." + (i + 1), 30005));
    }
    return out;
  }

  static PickContext client(String address) {
    return () -> address;
  }

  @Test
  void roundRobinVisitsEachEndpointInTurn() {
    EndpointPicker lb = SelectionStrategy.of(LoadBalancing.ROUND_ROBIN).create(endpoints(3));
    List<Integer> picks = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      picks.add(lb.pick(client("1.2.3.4")));
    }
    assertEquals(List.of(0, 1, 2, 0, 1, 2, 0), picks);
  }

  @Test
  void leastRequestPrefersTheLessLoadedOfTwo() {
    List<Endpoint> eps = endpoints(2);
    EndpointPicker lb = SelectionStrategy.of(LoadBalancing.LEAST_REQUEST).create(eps);
    for (int i = 0; i < 5; i++) {
      eps.get(0).requestStarted();
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(1, lb.pick(client("x")), "with two endpoints both are always drawn: the idle one wins");
    }
    for (int i = 0; i < 10; i++) {
      eps.get(1).requestStarted();
    }
    assertEquals(0, lb.pick(client("x")));
  }

  @Test
  void leastRequestNeverPicksTheBusiestOfMany() {
    List<Endpoint> eps = endpoints(5);
    for (int i = 0; i < 50; i++) {
      eps.get(3).requestStarted();
    }
    EndpointPicker lb = SelectionStrategy.of(LoadBalancing.LEAST_REQUEST).create(eps);
    for (int i = 0; i < 1000; i++) {
      assertTrue(lb.pick(client("x")) != 3);
    }
  }

  @Test
  void clientIpHashIsStickyAndSpreads() {
    EndpointPicker lb = SelectionStrategy.of(LoadBalancing.CLIENT_IP_HASH).create(endpoints(4));
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      String ip = "198.51." + (i / 250) + "." + (i % 250);
      int pick = lb.pick(client(ip));
      assertEquals(pick, lb.pick(client(ip)), "the same client lands on the same endpoint");
      counts.merge(pick, 1, Integer::sum);
    }
    assertEquals(4, counts.size());
    counts.values().forEach(c -> assertTrue(c > 700 && c < 1300, "uneven spread: " + counts));
  }

  @Test
  void clientIpHashMovesOnlyTheClientsOfARemovedEndpoint() {
    List<Endpoint> all = endpoints(5);
    List<Endpoint> fewer = new ArrayList<>(all);
    Endpoint removed = fewer.remove(2);
    EndpointPicker before = SelectionStrategy.of(LoadBalancing.CLIENT_IP_HASH).create(all);
    EndpointPicker after = SelectionStrategy.of(LoadBalancing.CLIENT_IP_HASH).create(fewer);
    int moved = 0;
    int clients = 5000;
    for (int i = 0; i < clients; i++) {
      PickContext c = client("203.0." + (i / 250) + "." + (i % 250));
      Endpoint was = all.get(before.pick(c));
      Endpoint now = fewer.get(after.pick(c));
      if (was != removed) {
        assertEquals(was, now, "a client of a remaining endpoint stays");
      } else {
        moved++;
      }
    }
    assertTrue(moved < clients / 5 * 1.25, "moved " + moved + " of " + clients);
  }
}
