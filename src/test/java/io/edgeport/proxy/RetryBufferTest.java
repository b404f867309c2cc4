package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The accounting of bodies kept for a retry: each event loop holds at most its share, and what did not fit is counted. */
@Timeout(10)
class RetryBufferTest {

  @Test
  void aLoopHoldsBodiesUpToItsShareCountsTheOnesBeyondAndGetsReleasedBytesBack() {
    Traffic traffic = new Traffic();
    Traffic.Loop loop = traffic.loop();
    long share = 100_000;
    assertTrue(loop.holdForRetry(65_536, share));
    assertTrue(loop.holdForRetry(30_000, share));
    assertFalse(loop.holdForRetry(10_000, share), "95,536 held: 10,000 more would pass the share");
    assertTrue(loop.holdForRetry(4_464, share), "exactly the share");
    assertFalse(loop.holdForRetry(1, share));
    assertEquals(100_000, traffic.totals().retryBufferBytes());
    assertEquals(2, traffic.totals().retryBufferFull());
    loop.releaseForRetry(65_536);
    assertTrue(loop.holdForRetry(65_536, share), "released bytes can be held again");
    loop.releaseForRetry(65_536);
    loop.releaseForRetry(30_000);
    loop.releaseForRetry(4_464);
    assertEquals(0, traffic.totals().retryBufferBytes());
    assertFalse(loop.holdForRetry(1, 0), "a buffer of 0 keeps no body");
  }

  @Test
  void eachEventLoopHasItsOwnShareAndTheTotalsSumThem() throws Exception {
    Traffic traffic = new Traffic();
    assertTrue(traffic.loop().holdForRetry(60_000, 64 * 1024));
    // another thread is another loop; its answers are checked here, where a failure fails the test
    java.util.concurrent.CompletableFuture<List<Boolean>> other = new java.util.concurrent.CompletableFuture<>();
    new Thread(() -> other.complete(List.of(traffic.loop().holdForRetry(60_000, 64 * 1024),
        traffic.loop().holdForRetry(60_000, 64 * 1024)))).start();
    assertEquals(List.of(true, false), other.get(5, TimeUnit.SECONDS), "another loop's share, then full");
    assertFalse(traffic.loop().holdForRetry(60_000, 64 * 1024));
    assertEquals(120_000, traffic.totals().retryBufferBytes());
    assertEquals(2, traffic.totals().retryBufferFull());
  }
}
