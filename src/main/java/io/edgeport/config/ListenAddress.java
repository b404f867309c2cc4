package io.edgeport.config;

import io.edgeport.net.Cidr;

/**
 * Where a listener accepts connections.
 *
 * @param host an IP literal, "localhost", or "" for every interface
 * @param port 0 picks a free port (for tests); the running gateway reports the actual one
 */
public record ListenAddress(String host, int port) {

  /**
   * Parses {@code "[host]:port"} or a bare port number ({@code ":80"}, {@code "127.0.0.1:8080"},
   * {@code "[::1]:9901"}, {@code "8080"}).
   *
   * @return null when the text is not of that form
   */
  public static ListenAddress parse(String text) {
    String t = text.trim();
    String host = "";
    String port = t;
    int colon = t.lastIndexOf(':');
    if (colon >= 0) {
      host = t.substring(0, colon);
      port = t.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (!host.isEmpty() && Cidr.IpLiterals.parse(host) == null && !host.equals("localhost")) {
        return null;
      }
    }
    if (!port.matches("\\d{1,5}")) {
      return null;
    }
    int p = Integer.parseInt(port);
    return p > 65535 ? null : new ListenAddress(host, p);
  }

  public String bindHost() {
    return host.isEmpty() ? "0.0.0.0" : host;
  }

  /** Only reachable from this machine: a loopback address or "localhost". */
  public boolean isLoopback() {
    byte[] ip = Cidr.IpLiterals.parse(host);
    if (host.equals("localhost")) {
      return true;
    }
    if (ip == null) {
      return false;
    }
    if (ip.length == 4) {
      return ip[0] == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (ip[i] != 0) {
        return false;
      }
    }
    return ip[15] == 1;
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
