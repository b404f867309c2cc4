package io.edgeport.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.model.ClientRules;
import io.edgeport.model.ClientRules.RateLimit;
import io.edgeport.net.Cidr;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate limit and client rules with the clock passed in: exact verdict sequences. */
class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstThenTheSustainedRateThenRecovery() {
    RateLimiter limiter = new RateLimiter(new RateLimit(10, Duration.ofSeconds(1), 5), 64); // 10/s, bursts of 5
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
    RateLimiter limiter = new RateLimiter(new RateLimit(1, Duration.ofSeconds(10), 1), 64); // one per 10 s
    long t = 5 * SECOND;
    assertEquals(0, limiter.acquire("198.51.100.7", t));
    assertEquals(10, limiter.acquire("198.51.100.7", t));
    assertEquals(4, limiter.acquire("198.51.100.7", t + 6 * SECOND));
    assertEquals(0, limiter.acquire("198.51.100.7", t + 10 * SECOND));
  }

  @Test
  void aRotatingAddressFloodStaysInTheFixedTable() {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, Duration.ofSeconds(1), 1), 64);
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
    DomainGate gate = new DomainGate(rules, new RateLimiter(rules.rateLimit(), 64));
    assertEquals(DomainGate.FORBIDDEN, gate.check("10.9.1.1", SECOND), "denied inside the allowed network");
    assertEquals(DomainGate.FORBIDDEN, gate.check("192.0.2.1", SECOND), "not allowed");
    assertEquals(DomainGate.FORBIDDEN, gate.check("not-an-ip", SECOND));
    assertEquals(DomainGate.PASS, gate.check("10.1.1.1", SECOND));
    assertTrue(gate.check("10.1.1.1", SECOND) > 0, "then the rate limit");
  }

  @Test
  void theAddressesOfOneIpv6Slash64ShareOneBudget() {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, Duration.ofSeconds(10), 2), 64); // bursts of 2
    long t = 7 * SECOND;
    assertEquals(0, limiter.acquire("2001:db8:1:2::1", t));
    assertEquals(0, limiter.acquire("2001:db8:1:2:ffff:ffff:ffff:fffe", t), "another address of the /64");
    assertEquals(10, limiter.acquire("2001:DB8:1:2:0:0:0:7", t), "a third address: the /64's budget is spent");
    assertEquals(10, limiter.acquire("2001:0db8:0001:0002:abcd::%eth0", t), "whatever its spelling");
    assertEquals(0, limiter.acquire("2001:db8:1:2::99", t + 10 * SECOND), "one interval later: one more");
    assertEquals(10, limiter.acquire("2001:db8:1:2::98", t + 10 * SECOND));
  }

  @Test
  void ipv4MappedAddressesAreTheIpv4ClientAndThePrefixIsConfigurable() {
    RateLimiter mapped = new RateLimiter(new RateLimit(1, Duration.ofSeconds(10), 1), 64);
    assertEquals(0, mapped.acquire("192.0.2.1", SECOND));
    assertEquals(10, mapped.acquire("::ffff:192.0.2.1", SECOND), "the same client");
    assertEquals(10, mapped.acquire("::FFFF:c000:201", SECOND), "the same client");

    RateLimiter perAddress = new RateLimiter(new RateLimit(1, Duration.ofSeconds(10), 1), 128);
    assertEquals(perAddress.slot("2001:db8::1"), perAddress.slot("2001:db8:0:0:0:0:0:1"));
    assertEquals(0, perAddress.acquire("2001:db8::1", SECOND));
    assertEquals(10, perAddress.acquire("2001:db8:0:0::1", SECOND), "the same address");

    RateLimiter per48 = new RateLimiter(new RateLimit(1, Duration.ofSeconds(10), 1), 48);
    assertEquals(0, per48.acquire("2001:db8:1:2::1", SECOND));
    assertEquals(10, per48.acquire("2001:db8:1:ffff::1", SECOND), "one /48");
  }
}
