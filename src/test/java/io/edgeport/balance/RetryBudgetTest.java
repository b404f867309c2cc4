package io.edgeport.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The retry budget with scripted time: exact allowances, and how they age out of the window. */
class RetryBudgetTest {
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  static int retriesAllowed(RetryBudget budget, long now, int asked) {
    int allowed = 0;
    for (int i = 0; i < asked; i++) {
      if (budget.tryRetry(now)) {
        allowed++;
      }
    }
    return allowed;
  }

  @Test
  void twentyPercentOfRecentRequestsPlusAFloor() {
    RetryBudget budget = new RetryBudget(20, 1); // floor: 1 a second over the 10 s window = 10
    long t = 100 * SECOND;
    for (int i = 0; i < 100; i++) {
      budget.request(t);
    }
    assertEquals(20 + 10, retriesAllowed(budget, t, 1000));
    assertFalse(budget.tryRetry(t), "used up");
    budget.request(t + SECOND); // five more requests earn one more retry
    budget.request(t + SECOND);
    budget.request(t + SECOND);
    budget.request(t + SECOND);
    budget.request(t + SECOND);
    assertTrue(budget.tryRetry(t + SECOND));
    assertFalse(budget.tryRetry(t + SECOND));
  }

  @Test
  void withoutTrafficOnlyTheFloorIsLeft() {
    RetryBudget budget = new RetryBudget(20, 2);
    assertEquals(20, retriesAllowed(budget, 5 * SECOND, 100));
  }

  @Test
  void requestsAndRetriesAgeOutAfterTenSeconds() {
    RetryBudget budget = new RetryBudget(50, 0);
    long t = 1000 * SECOND;
    for (int i = 0; i < 10; i++) {
      budget.request(t);
    }
    assertEquals(5, retriesAllowed(budget, t, 100));
    assertEquals(0, retriesAllowed(budget, t + 9 * SECOND, 100), "still inside the window");
    assertEquals(0, retriesAllowed(budget, t + 10 * SECOND, 100), "the requests left with the retries");
    for (int i = 0; i < 4; i++) {
      budget.request(t + 10 * SECOND);
    }
    assertEquals(2, retriesAllowed(budget, t + 10 * SECOND, 100), "a fresh window: half of 4");
  }

  @Test
  void noPercentAndNoFloorMeansNoRetries() {
    RetryBudget budget = new RetryBudget(0, 0);
    budget.request(0);
    assertFalse(budget.tryRetry(0));
  }
}
