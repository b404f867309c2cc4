package io.edgeport.proxy;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Copies the end-to-end headers of a message: hop-by-hop ones (RFC 9110 §7.6.1) and every header
 * that the message's own {@code Connection} header names are left behind, in both directions. A
 * framing header is never hop-by-hop by being named: {@code Connection: content-length} must not
 * separate a body from its length (Host and Transfer-Encoding are set by this proxy itself anyway).
 */
final class HopByHop {
  private HopByHop() {}

  /**
   * The fixed hop-by-hop names, plus the ones this proxy sets itself (Host, framing, Expect) and
   * HTTP/2's pseudo-headers ({@code :status}, {@code :authority}: each hop has its own).
   */
  static boolean isHopByHop(String name) {
    if (!name.isEmpty() && name.charAt(0) == ':') {
      return true;
    }
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("te");
      case 4 -> name.equalsIgnoreCase("host");
      case 6 -> name.equalsIgnoreCase("expect");
      case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
      case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 16 -> name.equalsIgnoreCase("proxy-connection");
      case 17 -> name.equalsIgnoreCase("transfer-encoding");
      default -> false;
    };
  }

  /**
   * Copies {@code from} into {@code to} without hop-by-hop headers.
   *
   * @param skip decides about the remaining names (forwarded headers of untrusted clients, say); may be null
   */
  static void copyEndToEnd(MultiMap from, MultiMap to, HeaderFilter skip) {
    List<String> connectionNames = from.contains("connection") ? from.getAll("connection") : List.of();
    // forEach, not the entry iterator: Vert.x's iterator allocates a wrapper per header
    from.forEach((name, value) -> {
      if (!isHopByHop(name) && (skip == null || !skip.skip(name)) && (connectionNames.isEmpty()
          || !namedIn(connectionNames, name) || name.equalsIgnoreCase("content-length"))) {
        to.add(name, value);
      }
    });
  }

  /** Is {@code name} one of the comma-separated tokens of the Connection header values? */
  static boolean namedIn(List<String> connectionValues, String name) {
    for (String value : connectionValues) {
      int start = 0;
      while (start < value.length()) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        int s = start;
        int e = end;
        while (s < e && value.charAt(s) == ' ') s++;
        while (e > s && value.charAt(e - 1) == ' ') e--;
        if (e - s == name.length() && value.regionMatches(true, s, name, 0, name.length())) {
          return true;
        }
        start = end + 1;
      }
    }
    return false;
  }

  @FunctionalInterface
  interface HeaderFilter {
    boolean skip(String name);
  }
}
