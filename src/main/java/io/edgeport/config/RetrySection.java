package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Scalar;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A domain's or path's {@code retry}; keys it leaves out take the enclosing domain's (or the defaults). */
final class RetrySection {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,10})\\s*(B|KB|KiB|MB|MiB)?");

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
        size(r, map.entries().get("maxBodyBytes"), fallback.maxBodyBytes()), percent, minPerSecond);
  }

  /** A byte count: a number, or with a unit ({@code 64KiB}, {@code 1MiB}, {@code 500KB}). */
  private static long size(ConfigReader r, Entry e, long fallback) {
    if (e == null) {
      return fallback;
    }
    Scalar s = r.asScalar(e.value(), "retry.maxBodyBytes", JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_STRING);
    if (s == null) {
      return fallback;
    }
    Matcher m = SIZE.matcher(s.text().trim());
    if (!m.matches()) {
      r.error(s, "retry.maxBodyBytes: '" + s.text() + "' is not a size (like 65536, 64KiB or 1MiB)");
      return fallback;
    }
    long n = Long.parseLong(m.group(1));
    long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
      case "KB" -> 1000;
      case "KiB" -> 1024;
      case "MB" -> 1000_000;
      case "MiB" -> 1024 * 1024;
      default -> 1;
    };
    long bytes = n * unit;
    if (bytes > 64L * 1024 * 1024) {
      r.error(s, "retry.maxBodyBytes: " + s.text() + " is over 64MiB; bodies kept for a retry are held in memory");
      return fallback;
    }
    return bytes;
  }
}
