package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.Problem.Severity;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.ListNode;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.net.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to a located YAML tree for the section readers: every wrong type, bad value or
 * unknown key becomes a located {@link Problem} (all of them are collected, not just the first),
 * and the reader goes on with a fallback so that later problems are found too.
 */
final class ConfigReader {
  final String fileName;
  private final List<Problem> problems = new ArrayList<>();

  ConfigReader(String fileName) {
    this.fileName = fileName;
  }

  List<Problem> problems() {
    return problems;
  }

  boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  List<Scalar> stringList(Entry entry, String what) {
    List<Scalar> out = new ArrayList<>();
    if (entry == null) {
      return out;
    }
    ListNode list = asList(entry.value(), what);
    if (list == null) {
      return out;
    }
    for (Node item : list.items()) {
      Scalar s = asScalar(item, what + " entry", JsonToken.VALUE_STRING);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** A list of networks ({@code ["10.0.0.0/8", "192.0.2.7"]}); an entry that is not one is an error. */
  List<Cidr> cidrs(Entry entry, String what) {
    List<Cidr> out = new ArrayList<>();
    for (Scalar s : stringList(entry, what)) {
      try {
        out.add(Cidr.parse(s.text()));
      } catch (IllegalArgumentException e) {
        error(s, what + ": " + e.getMessage());
      }
    }
    return out;
  }

  MapNode asMap(Node n, String what) {
    if (n instanceof MapNode m) {
      return m;
    }
    error(n, what + " must be a mapping (key: value), not " + n.kind());
    return null;
  }

  ListNode asList(Node n, String what) {
    if (n instanceof ListNode l) {
      return l;
    }
    error(n, what + " must be a list, not " + n.kind());
    return null;
  }

  /** A scalar of one of the given YAML types. */
  Scalar asScalar(Node n, String what, JsonToken... accepted) {
    if (n instanceof Scalar s) {
      for (JsonToken t : accepted) {
        if (s.token() == t) {
          return s;
        }
      }
    }
    String wanted = accepted[0] == JsonToken.VALUE_NUMBER_INT ? "a whole number" : "a string";
    error(n, what + " must be " + wanted + ", not " + n.kind());
    return null;
  }

  /** The trimmed string under {@code key}, or null when absent (or not a string: then an error). */
  String optionalString(MapNode map, String key, String what) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return null;
    }
    Scalar s = asScalar(e.value(), what, JsonToken.VALUE_STRING);
    return s == null ? null : s.text().trim();
  }

  private static final Pattern SIZE = Pattern.compile("(\\d{1,10})\\s*(B|KB|KiB|MB|MiB)?");

  /** A byte count under {@code key}: a number, or with a unit ({@code 64KiB}, {@code 1MiB}, {@code 500KB}). */
  long size(MapNode map, String key, String what, long fallback, long min, long max) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return fallback;
    }
    Scalar s = asScalar(e.value(), what, JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_STRING);
    if (s == null) {
      return fallback;
    }
    Matcher m = SIZE.matcher(s.text().trim());
    if (!m.matches()) {
      error(s, what + ": '" + s.text() + "' is not a size (like 65536, 64KiB or 1MiB)");
      return fallback;
    }
    long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
      case "KB" -> 1000;
      case "KiB" -> 1024;
      case "MB" -> 1000_000;
      case "MiB" -> 1024 * 1024;
      default -> 1;
    };
    long bytes = Long.parseLong(m.group(1)) * unit;
    if (bytes < min || bytes > max) {
      error(s, what + ": " + s.text() + " is outside " + min + "-" + max + " bytes");
      return fallback;
    }
    return bytes;
  }

  /** true or false under {@code key}, or {@code fallback}. */
  boolean flag(MapNode map, String key, String what, boolean fallback) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return fallback;
    }
    Scalar s = asScalar(e.value(), what, JsonToken.VALUE_TRUE, JsonToken.VALUE_FALSE);
    return s == null ? fallback : Boolean.parseBoolean(s.text());
  }

  /** A positive duration under {@code key} ({@code 500ms}, {@code 2s}), or {@code fallback}. */
  Duration duration(MapNode map, String key, String prefix, Duration fallback) {
    return duration(map, key, prefix, fallback, false);
  }

  /** A duration under {@code key} where {@code 0s} means none, or {@code fallback}. */
  Duration durationOrZero(MapNode map, String key, String prefix, Duration fallback) {
    return duration(map, key, prefix, fallback, true);
  }

  private Duration duration(MapNode map, String key, String prefix, Duration fallback, boolean zeroAllowed) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return fallback;
    }
    Scalar s = asScalar(e.value(), prefix + key, JsonToken.VALUE_STRING);
    if (s == null) {
      return fallback;
    }
    Duration d = Durations.parse(s.text());
    if (d == null || (d.isZero() && !zeroAllowed)) {
      error(s, prefix + key + ": '" + s.text() + "' is not a " + (zeroAllowed ? "" : "positive ")
          + "duration (like " + (zeroAllowed ? "0s, " : "") + "500ms, 2s, 1m)");
      return fallback;
    }
    return d;
  }

  /** A whole number in {@code min..max} under {@code key}, or {@code fallback}. */
  int count(MapNode map, String key, String prefix, int min, int max, int fallback) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return fallback;
    }
    Scalar s = asScalar(e.value(), prefix + key, JsonToken.VALUE_NUMBER_INT);
    if (s == null) {
      return fallback;
    }
    long n = parseLong(s.text());
    if (n < min || n > max) {
      error(s, prefix + key + ": " + s.text() + " is outside " + min + "-" + max);
      return fallback;
    }
    return (int) n;
  }

  /** A TCP port number, 1-65535, or null after an error. */
  Integer port(Entry e, String what) {
    Scalar s = asScalar(e.value(), what, JsonToken.VALUE_NUMBER_INT);
    if (s == null) {
      return null;
    }
    long port = parseLong(s.text());
    if (port < 1 || port > 65535) {
      error(s, what + ": " + s.text() + " is outside 1-65535");
      return null;
    }
    return (int) port;
  }

  static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  void checkKeys(MapNode map, String what, String... allowed) {
    Set<String> known = Set.of(allowed);
    for (Entry e : map.entries().values()) {
      if (!known.contains(e.key())) {
        String hint = closest(e.key(), allowed);
        error(e.line(), e.column(), "unknown key '" + e.key() + "' in " + what
            + (hint != null ? " (did you mean '" + hint + "'?)" : " (allowed: " + String.join(", ", allowed) + ")"));
      }
    }
  }

  /** The allowed key a typo most likely meant: same letters ignoring case, or edit distance ≤ 2. */
  static String closest(String key, String... allowed) {
    String best = null;
    int bestDistance = 3;
    for (String a : allowed) {
      int d = a.equalsIgnoreCase(key) ? 0 : editDistance(a.toLowerCase(), key.toLowerCase());
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  void error(Node at, String message) {
    error(at.line(), at.column(), message);
  }

  void error(int line, int column, String message) {
    problems.add(new Problem(Severity.ERROR, line, column, message));
  }

  void warning(Node at, String message) {
    problems.add(new Problem(Severity.WARNING, at.line(), at.column(), message));
  }
}
