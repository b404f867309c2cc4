package io.edgeport.config;

/**
 * Where the gateway accepts connections.
 *
 * @param host an IP literal, or "" for every interface
 * @param port 0 picks a free port (for tests); the running gateway reports the actual one
 */
public record ListenAddress(String host, int port) {

  public String bindHost() {
    return host.isEmpty() ? "0.0.0.0" : host;
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
