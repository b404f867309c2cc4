package io.edgeport.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.Cidr;
import io.edgeport.config.ClientRules;
import io.edgeport.config.ClientRules.RateLimit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate limit and client rules with the clock passed in: exact verdict sequences. */
class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstThenTheSustainedRateThenRecovery() {
    RateLimiter limiter = new RateLimiter(new RateLimit(10, Duration.ofSeconds(1), 5)); // 10/s, bursts of 5
    long t = 1_000 * SECOND;
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limiter.acquire("192.0.2.1", t), "burst request " + i);
    }
    assertEquals(1, limiter.acquire("192.0.2.1", t), "the sixth at once: retry after (rounded up) a second");
    assertEquals(0, limiter.acquire("192.0.2.2", t), "another client has its own budget");
    assertEquals(0, limiter.acquire("192.0.2.1", t + SECOND / 10), "one interval later: one more");
    assertEquals(1, limiter.acquire("192.0.2.1", t + SECOND / 10));
    assertEquals(0, limiter.acquire("192.0.2.1", t + 10 * SECOND), "recovered");
    for (int i = 0; i < 4; i++) {
      assertEquals(0, limiter.acquire("192.0.2.1", t + 10 * SECOND), "a full burst again after a quiet time");
    }
  }

  @Test
  void retryAfterSaysWhenTheNextRequestPasses() {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, Duration.ofSeconds(10), 1)); // one per 10 s
    long t = 5 * SECOND;
    assertEquals(0, limiter.acquire("198.51.100.7", t));
    assertEquals(10, limiter.acquire("198.51.100.7", t));
    assertEquals(4, limiter.acquire("198.51.100.7", t + 6 * SECOND));
    assertEquals(0, limiter.acquire("198.51.100.7", t + 10 * SECOND));
  }

  @Test
  void aRotatingAddressFloodStaysInTheFixedTable() {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, Duration.ofSeconds(1), 1));
    long t = SECOND;
    int[] used = new int[RateLimiter.SLOTS];
    for (int i = 0; i < 1_000_000; i++) {
      String address = "10." + (i >>> 16 & 255) + "." + (i >>> 8 & 255) + "." + (i & 255);
      limiter.acquire(address, t);
      used[limiter.slot(address)]++;
    }
    int empty = 0;
    for (int u : used) {
      empty += u == 0 ? 1 : 0;
    }
    assertEquals(0, empty, "a million addresses spread over every cell of the one table (no growth)");
  }

  @Test
  void denyWinsThenAllowThenTheLimit() {
    ClientRules rules = new ClientRules(List.of(Cidr.parse("10.0.0.0/8")), List.of(Cidr.parse("10.9.0.0/16")),
        new RateLimit(1, Duration.ofSeconds(1), 1), 0);
    DomainGate gate = new DomainGate(rules, new RateLimiter(rules.rateLimit()));
    assertEquals(DomainGate.FORBIDDEN, gate.check("10.9.1.1", SECOND), "denied inside the allowed network");
    assertEquals(DomainGate.FORBIDDEN, gate.check("192.0.2.1", SECOND), "not allowed");
    assertEquals(DomainGate.FORBIDDEN, gate.check("not-an-ip", SECOND));
    assertEquals(DomainGate.PASS, gate.check("10.1.1.1", SECOND));
    assertTrue(gate.check("10.1.1.1", SECOND) > 0, "then the rate limit");
  }
}
