package io.edgeport.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4): every line must be a
 * {@code # HELP}, a {@code # TYPE} or a sample {@code name{label="value",...} number}, names and
 * label names must be valid, and label values correctly escaped. A line that is none of these fails.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  /** @throws AssertionError naming the first line that is not valid exposition format */
  public static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        if (i != lines.length - 1) {
          throw new AssertionError("line " + (i + 1) + ": empty line inside the exposition");
        }
        continue;
      }
      if (line.startsWith("#")) {
        Matcher t = TYPE.matcher(line);
        if (t.matches()) {
          if (types.put(t.group(1), t.group(2)) != null) {
            throw new AssertionError("line " + (i + 1) + ": second TYPE for " + t.group(1));
          }
        } else if (!HELP.matcher(line).matches()) {
          throw new AssertionError("line " + (i + 1) + ": not a valid HELP or TYPE line: " + line);
        }
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("line " + (i + 1) + ": not a valid sample: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        Matcher l = LABEL.matcher(m.group(3));
        int at = 0;
        while (at < m.group(3).length()) {
          if (!l.find(at) || l.start() != at) {
            throw new AssertionError("line " + (i + 1) + ": bad labels: " + line);
          }
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
          at = l.end();
        }
      }
      double value;
      try {
        value = switch (m.group(4)) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> Double.parseDouble(m.group(4));
        };
      } catch (NumberFormatException e) {
        throw new AssertionError("line " + (i + 1) + ": bad value: " + line);
      }
      out.add(new Sample(m.group(1), labels, value));
    }
    return out;
  }

  /** The sum of the samples named {@code name} whose labels include {@code match}. */
  public static double sum(List<Sample> samples, String name, Map<String, String> match) {
    return samples.stream().filter(s -> s.name().equals(name))
        .filter(s -> match.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
        .mapToDouble(Sample::value).sum();
  }
}
