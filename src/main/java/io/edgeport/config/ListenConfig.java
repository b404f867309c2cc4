package io.edgeport.config;

/**
 * Where the proxy listens.
 *
 * @param https the TLS listener, or null: none
 * @param h2c   the plain listener also takes HTTP/2 with prior knowledge (cleartext, for gRPC clients)
 */
public record ListenConfig(ListenAddress http, ListenAddress https, boolean h2c) {
  public static final ListenConfig DEFAULT = new ListenConfig(new ListenAddress("", 80), null, false);

  public ListenConfig withHttp(ListenAddress other) {
    return new ListenConfig(other, https, h2c);
  }

  public ListenConfig withHttps(ListenAddress other) {
    return new ListenConfig(http, other, h2c);
  }

  @Override
  public String toString() {
    return http + (https != null ? " (https " + https + ")" : "");
  }
}
