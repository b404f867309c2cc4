package io.edgeport.translate.gatewayapi;

import io.edgeport.model.RouteFilters;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPCORSFilter;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTPRoute's CORS filter → {@link RouteFilters.Cors}, checked so that what the runtime answers is what was meant:
 * <ul>
 *   <li>An origin is {@code *}, or {@code http} or {@code https}, {@code ://}, a host name and an optional port; its
 *       first label may be {@code *} ({@code https://*.example.com}: any name below example.com). The spec's other
 *       wildcards ({@code https://*} alone, {@code *} within a label) are refused. A scheme's own port is dropped
 *       ({@code https://a.example.com:443} is {@code https://a.example.com}), as browsers send origins without it.</li>
 *   <li>{@code *} with {@code allowCredentials: true} is refused: browsers refuse {@code *} on a credentialed answer
 *       (the Fetch spec), and answering any origin with its own name and credentials would let every site read a
 *       user's authenticated answers.</li>
 *   <li>Methods are upper-case tokens or {@code *}, header names tokens (kept lower case) or {@code *}; maxAge
 *       defaults to 5 (seconds, the spec's default).</li>
 * </ul>
 */
final class CorsFilters {
  private static final Pattern ORIGIN = Pattern.compile("(https?)://((?:\\*\\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
      + "\\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?::([0-9]{1,5}))?");
  private static final int DEFAULT_MAX_AGE = 5;
  private static final String HEADER = "a header name or *";

  private CorsFilters() {}

  /** @param field the filter's {@code cors}, for messages */
  static RouteFilters.Cors of(HTTPCORSFilter f, String field) {
    boolean credentials = Boolean.TRUE.equals(f.getAllowCredentials());
    List<String> origins = each(f.getAllowOrigins(), field + ".allowOrigins", CorsFilters::origin,
        "an origin edgeport matches (*, or http or https://host[:port], whose first label may be *)");
    if (credentials && origins.contains("*")) {
      throw new Unsupported(field + ": allowOrigins * with allowCredentials true is not supported (browsers refuse"
          + " a credentialed answer to any origin; list the origins)");
    }
    List<String> methods = each(f.getAllowMethods(), field + ".allowMethods",
        m -> m.equals("*") || token(m) && m.equals(m.toUpperCase(Locale.ROOT)) ? m : null,
        "an HTTP method (upper case) or *");
    List<String> headers = each(f.getAllowHeaders(), field + ".allowHeaders", CorsFilters::header, HEADER);
    List<String> expose = each(f.getExposeHeaders(), field + ".exposeHeaders", CorsFilters::header, HEADER);
    int maxAge = Objects.requireNonNullElse(f.getMaxAge(), DEFAULT_MAX_AGE);
    if (maxAge < 0) {
      throw new Unsupported(field + ".maxAge " + maxAge + " is negative");
    }
    return new RouteFilters.Cors(origins, methods, headers, expose, credentials, maxAge);
  }

  /**
   * Each value of a list, as {@code check} makes it (null: it is not {@code what}); {@code *} only alone.
   *
   * @throws Unsupported naming the first value that is not one
   */
  private static List<String> each(List<String> values, String field, UnaryOperator<String> check, String what) {
    List<String> out = new ArrayList<>();
    List<String> given = Objects.requireNonNullElse(values, List.of());
    for (int i = 0; i < given.size(); i++) {
      String v = given.get(i) == null ? "" : given.get(i);
      String checked = check.apply(v);
      if (checked == null) {
        throw new Unsupported(field + "[" + i + "] '" + v + "' is not " + what);
      }
      out.add(checked);
    }
    if (out.contains("*") && out.size() > 1) {
      throw new Unsupported(field + ": * cannot be listed with others");
    }
    return out;
  }

  private static String origin(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.equals("*")) {
      return v;
    }
    Matcher m = ORIGIN.matcher(v);
    if (!m.matches()) {
      return null;
    }
    if (m.group(3) == null) {
      return v;
    }
    int port = Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      return null;
    }
    boolean own = m.group(1).equals("http") ? port == 80 : port == 443;
    return own ? m.group(1) + "://" + m.group(2) : v;
  }

  private static String header(String value) {
    return value.equals("*") ? value : token(value) ? value.toLowerCase(Locale.ROOT) : null;
  }

  private static boolean token(String value) {
    return !value.isEmpty() && HttpHeaderValidationUtil.validateToken(value) < 0;
  }
}
