package io.edgeport.net;

/** Host name rules shared by config validation, discovery and the request path. */
public final class HostNames {
  private HostNames() {}

  /**
   * The routing key of a request's authority ({@code Host} header or absolute-form authority):
   * port and one trailing dot removed, lower-cased. Returns null for anything that cannot name a
   * configured domain: missing, malformed, or an IP literal (never routed, so no open proxy).
   */
  public static String routingKey(String authority) {
    if (authority == null || authority.isEmpty() || authority.charAt(0) == '[') {
      return null; // absent, or an IPv6 literal
    }
    int end = authority.length();
    int colon = authority.indexOf(':');
    if (colon >= 0) {
      if (!isPort(authority, colon + 1)) {
        return null;
      }
      end = colon;
    }
    if (end > 0 && authority.charAt(end - 1) == '.') {
      end--;
    }
    if (end == 0 || end > 253) {
      return null;
    }
    boolean upper = false;
    boolean onlyDigitsAndDots = true;
    for (int i = 0; i < end; i++) {
      char c = authority.charAt(i);
      if (c >= 'a' && c <= 'z' || c == '-' || c == '_') {
        onlyDigitsAndDots = false;
      } else if (c >= 'A' && c <= 'Z') {
        upper = true;
        onlyDigitsAndDots = false;
      } else if (c == '.') {
        if (i == 0 || authority.charAt(i - 1) == '.') {
          return null;
        }
      } else if (c < '0' || c > '9') {
        return null;
      }
    }
    if (onlyDigitsAndDots) {
      return null; // IPv4 literal (or a number): a DNS name never has an all-numeric top label
    }
    String host = end == authority.length() ? authority : authority.substring(0, end);
    return upper ? host.toLowerCase(java.util.Locale.ROOT) : host;
  }

  private static boolean isPort(String s, int from) {
    if (from >= s.length() || s.length() - from > 5) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a configured domain ({@code api.example.com} or {@code *.apps.example.com}).
   *
   * @return null when valid, else why not
   */
  public static String configHostError(String host) {
    String name = host.startsWith("*.") ? host.substring(2) : host;
    if (name.contains("*")) {
      return "'" + host + "': a wildcard must be a whole first label, like *.apps.example.com";
    }
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isEmpty() || name.length() > 253) {
      return "'" + host + "' is not a valid host name";
    }
    if (routingKey(name) == null) {
      return name.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9') || name.contains(":")
          ? "'" + host + "' is an IP address; domains are routed by DNS name only"
          : "'" + host + "' is not a valid host name (letters, digits, '-' and '.')";
    }
    for (String label : name.split("\\.", -1)) {
      if (label.length() > 63) {
        return "'" + host + "': label '" + label + "' is longer than 63 characters";
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return "'" + host + "': label '" + label + "' starts or ends with '-'";
      }
    }
    return null;
  }

  /** The form a config host is stored and looked up in: lower case, no trailing dot. */
  public static String canonical(String configHost) {
    String h = configHost.toLowerCase(java.util.Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
