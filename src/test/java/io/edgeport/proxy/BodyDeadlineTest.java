package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.LimitsConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rule a request body is held to: a bounded pause, and a total of the timeout plus its size at the rate. */
@Timeout(10)
class BodyDeadlineTest {
  static final long S = TimeUnit.SECONDS.toNanos(1);

  static BodyDeadline deadline(long timeoutSeconds, long minRate) {
    LimitsConfig d = LimitsConfig.DEFAULTS;
    return new BodyDeadline(new LimitsConfig(d.maxHeaderBytes(), d.headerTimeout(), Duration.ofSeconds(timeoutSeconds),
        d.maxRequestsPerConnection(), d.maxConnections(), d.maxConnectionsPerIp(), d.ipv6Prefix(), minRate, d.sendTimeout(),
        d.retryBufferBytes(), d.headBufferBytes(), d.mirrorBodyBytes()));
  }

  @Test
  void aByteJustInsideEveryPauseIsStillCutOffAtTheTimeoutPlusItsSizeAtTheRate() {
    BodyDeadline body = deadline(30, 1024);
    long t = 1_000 * S;
    body.start(t, 0);
    long now = t;
    int bytes = 0;
    while (body.left(now + 29 * S) > 0) { // one byte every 29 s: never a 30 s pause
      now += 29 * S;
      body.received(now, 1);
      bytes++;
    }
    assertEquals(1, bytes, "cut off at 30 s plus 1/1024 s for the byte it sent, not at the second pause");
    assertEquals("request body slower than limits.minBodyRate", body.reason(now + 29 * S));
  }

  @Test
  void aBodyAtTheRateGoesOnAndAPauseOverTheTimeoutEndsIt() {
    BodyDeadline body = deadline(30, 1024);
    long now = 5 * S;
    body.start(now, 16 * 1024);
    for (int i = 0; i < 1000; i++) { // 1000 s at 2 KiB/s: twice the minimum rate
      now += S;
      body.received(now, 2048);
      assertTrue(body.left(now) > 0, "second " + i);
    }
    assertTrue(body.left(now + 29 * S) > 0);
    assertTrue(body.left(now + 30 * S) <= 0, "a 30 s pause, whatever the credit");
    assertEquals("no body bytes within the body timeout", body.reason(now + 30 * S));
  }

  @Test
  void timeTheGatewayHoldsTheBodyBackIsNotCountedAgainstTheClient() {
    BodyDeadline body = deadline(30, 1024);
    long now = 0;
    body.start(now, 0);
    body.received(now += 10 * S, 1024);
    body.holdBack(now += S);
    assertEquals(30 * S, body.left(now + 120 * S), "held back: looked at again a timeout later, never due");
    body.resume(now += 120 * S);
    // the total had 31 s (30 s and 1 KiB at 1 KiB/s), 11 s of them used before the hold: 20 s are left
    assertEquals(20 * S, body.left(now));
    body.received(now += 15 * S, 40 * 1024);
    assertEquals(30 * S, body.left(now), "40 s more of credit: the pause rule is the nearer one again");
    assertTrue(body.left(now + 30 * S) <= 0);
  }

  @Test
  void aRateOfZeroBoundsOnlyThePause() {
    BodyDeadline body = deadline(30, 0);
    long now = 0;
    body.start(now, 0);
    for (int i = 0; i < 1000; i++) {
      now += 29 * S;
      assertTrue(body.left(now) > 0);
      body.received(now, 1);
    }
  }
}
