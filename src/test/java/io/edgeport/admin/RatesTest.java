package io.edgeport.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.proxy.Traffic;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Rates over the sampling window, from scripted counter readings and times. */
class RatesTest {

  static Traffic.Totals reading(long requests, long errors) {
    long[] buckets = new long[Traffic.LATENCY_BOUNDS.length + 1];
    buckets[0] = requests;
    Traffic.DomainTotals api = new Traffic.DomainTotals(buckets, 0, 0, 0,
        Map.of("10.0.0.1:30005", new long[] {0, requests - errors, 0, 0, errors}));
    return new Traffic.Totals(Map.of("api.example.com", api), 0, 0, Map.of(), 0, 0, 0, Map.of(), 0, 0, 0, 0, Map.of());
  }

  @Test
  void ratesSpanTheLastTenSeconds() {
    AtomicReference<Traffic.Totals> now = new AtomicReference<>(reading(0, 0));
    Rates rates = new Rates(now::get);
    assertEquals(Rates.Window.EMPTY, rates.perSecond(), "one reading is no rate yet");
    for (int second = 0; second <= 20; second++) {
      now.set(reading(second * 100L, second * 2L)); // 100 requests and 2 errors a second
      rates.sample(TimeUnit.SECONDS.toNanos(second));
    }
    Rates.Window w = rates.perSecond();
    assertEquals(new Rates.Rate(100, 2), w.total());
    assertEquals(new Rates.Rate(100, 2), w.byDomain().get("api.example.com"));

    for (int second = 21; second <= 31; second++) { // then silence
      rates.sample(TimeUnit.SECONDS.toNanos(second));
    }
    assertEquals(new Rates.Rate(0, 0), rates.perSecond().total(), "older readings left the window");
  }
}
