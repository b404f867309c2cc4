package io.edgeport.translate.gatewayapi;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gateway API durations (GEP-2257): one to four components, each of one to five decimal digits and a unit ({@code h},
 * {@code m}, {@code s} or {@code ms}), summed: {@code 1h30m}, {@code 1s500ms}, {@code 0s}. Units may repeat
 * ({@code 1h2h} is 3h), as the GEP allows.
 */
final class GatewayDurations {
  private static final Pattern FORMAT = Pattern.compile("([0-9]{1,5}(h|m|s|ms)){1,4}");
  /** {@code ms} before {@code m}: the component a matching text is made of. */
  private static final Pattern COMPONENT = Pattern.compile("([0-9]{1,5})(ms|h|m|s)");

  private GatewayDurations() {}

  /**
   * @param field where the text comes from, for the message
   * @return the duration ({@link Duration#ZERO} for {@code 0s}), or null for a null text
   * @throws Unsupported when the text is not a Gateway API duration
   */
  static Duration parse(String text, String field) {
    if (text == null) {
      return null;
    }
    if (!FORMAT.matcher(text).matches()) {
      throw new Unsupported(field + " " + text + " is not a Gateway API duration (such as 1h30m, 10s, 500ms or 0s)");
    }
    Duration total = Duration.ZERO;
    Matcher m = COMPONENT.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        case "s" -> Duration.ofSeconds(n);
        default -> Duration.ofMillis(n);
      });
    }
    return total;
  }

  /** As {@link #parse}, but null for zero: a duration where {@code 0s} means none. */
  static Duration parseOrNone(String text, String field) {
    Duration d = parse(text, field);
    return d == null || d.isZero() ? null : d;
  }
}
