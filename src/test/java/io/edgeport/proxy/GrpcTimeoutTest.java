package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GrpcTimeoutTest {
  @Test
  void readsEveryUnitAndRefusesWhatIsNotATimeout() {
    assertEquals(2 * 3_600_000_000_000L, GrpcTimeout.nanos("2H"));
    assertEquals(3 * 60_000_000_000L, GrpcTimeout.nanos("3M"));
    assertEquals(1_000_000_000L, GrpcTimeout.nanos("1S"));
    assertEquals(250_000_000L, GrpcTimeout.nanos("250m"));
    assertEquals(7_000L, GrpcTimeout.nanos("7u"));
    assertEquals(99_999_999L, GrpcTimeout.nanos("99999999n"));
    assertEquals(0, GrpcTimeout.nanos("0m"), "already past");
    assertEquals(-1, GrpcTimeout.nanos("123456789m"), "at most 8 digits");
    assertEquals(-1, GrpcTimeout.nanos("m"));
    assertEquals(-1, GrpcTimeout.nanos("10x"));
    assertEquals(-1, GrpcTimeout.nanos("-5m"));
    assertEquals(-1, GrpcTimeout.nanos("1 S"));
    assertEquals(-1, GrpcTimeout.nanos("99999999H"), "past what a long holds: none");
    assertEquals(99_999_999L * 60_000_000_000L, GrpcTimeout.nanos("99999999M"));
    assertEquals("1m", GrpcTimeout.encode(10));
    assertEquals("1500m", GrpcTimeout.encode(1_500_000_000L));
    assertEquals("99999999m", GrpcTimeout.encode(99_999_999_000_000L));
    assertEquals("172800S", GrpcTimeout.encode(2 * 86_400_000_000_000L), "two days: 8 digits at most, so seconds");
    assertEquals("2880000M", GrpcTimeout.encode(2000 * 86_400_000_000_000L));
    assertEquals("2562047H", GrpcTimeout.encode(Long.MAX_VALUE), "the longest time a long holds");
  }
}
