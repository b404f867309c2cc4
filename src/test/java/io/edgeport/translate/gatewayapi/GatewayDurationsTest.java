package io.edgeport.translate.gatewayapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Gateway API durations, on GEP-2257's test vectors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayDurationsTest {

  @Test
  void validDurationsAreTheSumOfTheirComponents() {
    assertEquals(Duration.ZERO, GatewayDurations.parse("0h", "f"));
    assertEquals(Duration.ZERO, GatewayDurations.parse("0s", "f"));
    assertEquals(Duration.ZERO, GatewayDurations.parse("0h0m0s", "f"));
    assertEquals(Duration.ofHours(1), GatewayDurations.parse("1h", "f"));
    assertEquals(Duration.ofMinutes(30), GatewayDurations.parse("30m", "f"));
    assertEquals(Duration.ofSeconds(10), GatewayDurations.parse("10s", "f"));
    assertEquals(Duration.ofMillis(500), GatewayDurations.parse("500ms", "f"));
    assertEquals(Duration.ofMinutes(150), GatewayDurations.parse("2h30m", "f"));
    assertEquals(Duration.ofMinutes(90), GatewayDurations.parse("90m", "f"), "units need not be the largest");
    assertEquals(Duration.ofHours(1).plusMinutes(30).plusSeconds(10).plusMillis(500),
        GatewayDurations.parse("1h30m10s500ms", "f"), "four components");
    assertEquals(Duration.ofHours(1).plusMillis(500), GatewayDurations.parse("1h500ms", "f"));
    assertEquals(Duration.ofMinutes(210), GatewayDurations.parse("1h2h20m10m", "f"), "repeated units add up");
    assertEquals(Duration.ofHours(1), GatewayDurations.parse("01h", "f"), "leading zeroes are decimal");
    assertEquals(Duration.ofHours(1), GatewayDurations.parse("00060m", "f"));
    assertEquals(Duration.ofHours(99999), GatewayDurations.parse("99999h", "f"));
    assertNull(GatewayDurations.parse(null, "f"));
  }

  @Test
  void anythingElseIsRefusedNamingTheField() {
    for (String bad : List.of("", "0", "1", "h", "1.5h", "-15m", "999999h", "1h1m1s1ms1h", "1d", "1us", "1 h",
        "1H", " 1h", "1h ", "+1s")) {
      Unsupported e = assertThrows(Unsupported.class, () -> GatewayDurations.parse(bad, "spec.rules[0].x"), bad);
      assertEquals("spec.rules[0].x " + bad + " is not a Gateway API duration (such as 1h30m, 10s, 500ms or 0s)",
          e.getMessage());
    }
  }

  @Test
  void zeroIsNoneWhereNoneIsMeant() {
    assertNull(GatewayDurations.parseOrNone("0s", "f"));
    assertNull(GatewayDurations.parseOrNone("0h0ms", "f"));
    assertNull(GatewayDurations.parseOrNone(null, "f"));
    assertEquals(Duration.ofSeconds(1), GatewayDurations.parseOrNone("1s", "f"));
  }
}
