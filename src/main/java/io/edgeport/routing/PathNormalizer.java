package io.edgeport.routing;

/**
 * The path that routing decisions use. The request is forwarded with its path untouched, but it is
 * matched in the form that the most lenient of the servers behind reads: percent-decoded, {@code \} taken
 * for {@code /} (IIS does), the {@code ;parameters} of each segment left out (servlet containers do: to
 * Tomcat {@code /admin;x} is {@code /admin}), {@code //} merged and {@code .}/{@code ..} resolved. So
 * {@code %61pi}, {@code //api}, {@code /api;v=1} and {@code /x/../api} are all {@code /api}.
 *
 * <p>A path that servers read in different ways has no such form, and is refused: forwarded as it is, one
 * server would climb out of the rule it was routed by ({@code /api/..;/admin} is {@code /api/..;/admin}
 * to most and {@code /admin} to Tomcat). That is a {@code #} (no fragment belongs in a request target;
 * servers that cut it off read another path), a dot-segment written otherwise than a plain {@code .} or
 * {@code ..} between two {@code /} ({@code ..;x}, {@code %2e%2e}, {@code ..\}, {@code ..%2f}), and a
 * {@code ..} in a path whose segments servers count differently ({@code \}, {@code %2f} or {@code %5c}
 * in it, or {@code //..}: merged first, as nginx and Tomcat do, it removes another segment than it does
 * in RFC 3986). No client produces these (browsers resolve dot-segments and turn {@code \} into
 * {@code /} before sending), so refusing costs nothing but attacks. (Envoy forwards the path it normalized
 * instead, and still advises rejecting escaped slashes at the edge, for the same reason.)
 */
public final class PathNormalizer {
  private PathNormalizer() {}

  /**
   * @param rawPath the request path as received, without the query
   * @return the path to match rules with, or null when the path is refused (see the class comment)
   */
  public static String forMatching(String rawPath) {
    return plain(rawPath) ? rawPath : normalize(rawPath); // the common case: nothing to do, nothing allocated
  }

  /** No '%', ';', '\', '#', "//" or "/.": matched as it is. */
  private static boolean plain(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '%' || c == ';' || c == '\\' || c == '#'
          || c == '/' && i + 1 < p.length() && (p.charAt(i + 1) == '/' || p.charAt(i + 1) == '.')) {
        return false;
      }
    }
    return true;
  }

  private static String normalize(String raw) {
    if (raw.indexOf('#') >= 0) {
      return null;
    }
    // decoded characters, and which of them came from a %XX escape
    int n = raw.length();
    char[] chars = new char[n];
    boolean[] escaped = new boolean[n];
    int length = 0;
    boolean unevenSeparators = false;
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      boolean esc = false;
      if (c == '%' && i + 2 < n) {
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          c = (char) (hi * 16 + lo);
          esc = true;
          i += 2;
        }
      }
      unevenSeparators |= c == '\\' || esc && c == '/';
      chars[length] = c;
      escaped[length++] = esc;
    }
    String[] stack = new String[length + 1];
    int depth = 0;
    boolean previousEmpty = false;
    boolean plainBefore = true; // the separator before this segment is a raw '/' (or the start)
    int start = length > 0 && separator(chars[0]) ? 1 : 0;
    if (start == 1) {
      plainBefore = chars[0] == '/' && !escaped[0];
    }
    while (start <= length) {
      int end = start;
      int params = -1;
      boolean written = true; // as sent: no escape, no parameters
      while (end < length && !separator(chars[end])) {
        if (chars[end] == ';' && params < 0) {
          params = end;
        }
        written &= !escaped[end];
        end++;
      }
      boolean last = end >= length;
      boolean plainAfter = last || chars[end] == '/' && !escaped[end];
      String seg = new String(chars, start, (params < 0 ? end : params) - start);
      boolean literal = written && params < 0 && plainBefore && plainAfter;
      if (seg.equals("..")) {
        if (!literal || unevenSeparators || previousEmpty) {
          return null;
        }
        if (depth > 0) {
          depth--;
        }
        if (last) {
          stack[depth++] = "";
        }
      } else if (seg.equals(".")) {
        if (!literal) {
          return null;
        }
        if (last) {
          stack[depth++] = "";
        }
      } else if (seg.isEmpty()) {
        if (last) {
          stack[depth++] = ""; // a trailing slash
        }
      } else {
        stack[depth++] = seg;
      }
      previousEmpty = seg.isEmpty();
      plainBefore = plainAfter;
      start = end + 1;
    }
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < depth; i++) {
      out.append('/').append(stack[i]);
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static boolean separator(char c) {
    return c == '/' || c == '\\';
  }
}
