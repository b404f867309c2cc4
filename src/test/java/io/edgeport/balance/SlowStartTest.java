package io.edgeport.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Slow start's shares with an injected clock and a scripted "random" sequence: exact, no waiting. Which nodes ramp (one
 * that comes back, one that joins) is HealthRegistryTest's matter; HealthEndToEndTest restarts a real one.
 */
class SlowStartTest {
  static final long RAMP = 10_000_000_000L; // 10 s

  /** 0.05, 0.15, ... 0.95, again: a draw passes a weight w exactly w*10 times in 10. */
  static DoubleSupplier evenDraws() {
    AtomicInteger i = new AtomicInteger();
    return () -> (i.getAndIncrement() % 10) / 10.0 + 0.05;
  }

  static int picksOfTheNewNode(long elapsedNanos) {
    List<Endpoint> endpoints = List.of(new Endpoint("10.0.0.1", 30005), new Endpoint("10.0.0.2", 30005));
    AtomicLong now = new AtomicLong(1_000);
    endpoints.get(1).startRamp(now.get());
    now.addAndGet(elapsedNanos);
    EndpointPicker lb = new SlowStart(new RoundRobin(endpoints), RAMP, now::get, evenDraws());
    int newNode = 0;
    for (int i = 0; i < 1000; i++) {
      newNode += lb.pick(() -> "x");
    }
    return newNode;
  }

  @Test
  void aRampingNodesShareRisesLinearlyFromTenPercent() {
    assertEquals(50, picksOfTheNewNode(0), "at first: 10 % of its round-robin turns");
    assertEquals(50, picksOfTheNewNode(RAMP / 20), "never below 10 %");
    assertEquals(250, picksOfTheNewNode(RAMP / 2), "half-way: half its turns");
    assertEquals(500, picksOfTheNewNode(RAMP), "after the ramp: its full share");
  }

  @Test
  void withoutARampNothingChanges() {
    Endpoint e = new Endpoint("10.0.0.1", 30005);
    assertEquals(1.0, e.rampWeight(5, RAMP));
    assertEquals(SelectionStrategy.of(io.edgeport.model.LoadBalancing.ROUND_ROBIN).create(List.of(e)).getClass(),
        SelectionStrategy.of(io.edgeport.model.LoadBalancing.ROUND_ROBIN, java.time.Duration.ZERO).create(List.of(e))
            .getClass());
    assertEquals(ClientIpHash.class, SelectionStrategy.of(io.edgeport.model.LoadBalancing.CLIENT_IP_HASH,
        java.time.Duration.ofSeconds(30)).create(List.of(e)).getClass(), "client-ip-hash keeps clients put");
  }
}
