package io.edgeport.admin;

import io.edgeport.proxy.Traffic;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Request and 5xx rates over the last {@link #WINDOW_SECONDS} seconds, from the traffic counters
 * sampled once a second: the dashboard and {@code edgeport status} show a rate at first sight,
 * without having to compare two readings of their own. Sampled and read on the admin's context.
 */
final class Rates {
  static final int WINDOW_SECONDS = 10;

  /** Requests and 5xx per second, overall and by domain. */
  record Rate(double requests, double errors) {
    static final Rate NONE = new Rate(0, 0);
  }

  /** Rates over the window: overall, and by domain ("" for requests no route matched). */
  record Window(Rate total, Map<String, Rate> byDomain) {
    static final Window EMPTY = new Window(Rate.NONE, Map.of());
  }

  private record Sample(long nanos, Map<String, long[]> byDomain) {}

  private final Supplier<Traffic.Totals> traffic;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  Rates(Supplier<Traffic.Totals> traffic) {
    this.traffic = traffic;
  }

  void sample(long nanos) {
    Map<String, long[]> byDomain = new HashMap<>();
    traffic.get().domains().forEach((d, t) -> byDomain.put(d, new long[] {t.requests(), t.errors()}));
    samples.addLast(new Sample(nanos, byDomain));
    while (samples.size() > WINDOW_SECONDS + 1) {
      samples.removeFirst();
    }
  }

  Window perSecond() {
    if (samples.size() < 2) {
      return Window.EMPTY;
    }
    Map<String, Rate> out = new HashMap<>();
    Sample first = samples.getFirst();
    Sample last = samples.getLast();
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    double totalRequests = 0;
    double totalErrors = 0;
    for (Map.Entry<String, long[]> e : last.byDomain().entrySet()) {
      long[] before = first.byDomain().getOrDefault(e.getKey(), new long[2]);
      Rate r = new Rate((e.getValue()[0] - before[0]) / seconds, (e.getValue()[1] - before[1]) / seconds);
      out.put(e.getKey(), r);
      totalRequests += r.requests();
      totalErrors += r.errors();
    }
    return new Window(new Rate(totalRequests, totalErrors), out);
  }
}
