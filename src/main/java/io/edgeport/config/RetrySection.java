package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.model.RetryPolicy;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A domain's or path's {@code retry}; keys it leaves out take the enclosing domain's (or the defaults). */
final class RetrySection {
  /** Bodies kept for a retry are held in memory. */
  private static final long MAX_REPLAY_BYTES = 64L * 1024 * 1024;

  private RetrySection() {}

  static RetryPolicy read(ConfigReader r, MapNode parent, RetryPolicy fallback) {
    Entry e = parent.entries().get("retry");
    if (e == null) {
      return fallback;
    }
    MapNode map = r.asMap(e.value(), "retry");
    if (map == null) {
      return fallback;
    }
    r.checkKeys(map, "retry", "attempts", "on", "maxBodyBytes", "budget");
    int attempts = r.count(map, "attempts", "retry.", 1, 10, fallback.attempts());
    Set<RetryPolicy.On> on = fallback.on().isEmpty() ? EnumSet.noneOf(RetryPolicy.On.class) : EnumSet.copyOf(fallback.on());
    Entry onEntry = map.entries().get("on");
    if (onEntry != null) {
      on = EnumSet.noneOf(RetryPolicy.On.class);
      YamlTree.ListNode list = r.asList(onEntry.value(), "retry.on");
      for (YamlTree.Node item : list == null ? List.<YamlTree.Node>of() : list.items()) {
        Scalar s = r.asScalar(item, "retry.on entry", JsonToken.VALUE_STRING, JsonToken.VALUE_NUMBER_INT); // 503 is a number
        if (s == null) {
          continue;
        }
        RetryPolicy.On o = RetryPolicy.On.fromConfigName(s.text().trim());
        if (o == null) {
          r.error(s, "retry.on: '" + s.text() + "' is not one of " + RetryPolicy.On.choices());
        } else {
          on.add(o);
        }
      }
    }
    int percent = fallback.budgetPercent();
    int minPerSecond = fallback.budgetMinPerSecond();
    Entry budget = map.entries().get("budget");
    MapNode budgetMap = budget == null ? null : r.asMap(budget.value(), "retry.budget");
    if (budgetMap != null) {
      r.checkKeys(budgetMap, "retry.budget", "percent", "minPerSecond");
      percent = r.count(budgetMap, "percent", "retry.budget.", 0, 100, percent);
      minPerSecond = r.count(budgetMap, "minPerSecond", "retry.budget.", 0, 100_000, minPerSecond);
    }
    return new RetryPolicy(attempts, on,
        r.size(map, "maxBodyBytes", "retry.maxBodyBytes", fallback.maxBodyBytes(), 0, MAX_REPLAY_BYTES), percent,
        minPerSecond);
  }
}
