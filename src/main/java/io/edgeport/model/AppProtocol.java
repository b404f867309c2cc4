package io.edgeport.model;

import java.util.Locale;

/**
 * A Service port's {@code appProtocol} as edgeport reads it, for the Gateway API's translation and for the resolver of
 * every backend alike: Kubernetes' names ({@code kubernetes.io/h2c}, {@code kubernetes.io/ws},
 * {@code kubernetes.io/wss}) and the IANA-style ones charts write.
 */
public enum AppProtocol {
  /** None, or {@code http}: the backend's own choice (HTTP/1.1, or h2c for a GRPCRoute's and {@code protocol: h2c}). */
  DEFAULT,
  /** Cleartext HTTP/2: {@code kubernetes.io/h2c}, {@code h2c}, {@code grpc}. */
  H2C,
  /** HTTP/1.1 with WebSocket upgrades: {@code kubernetes.io/ws}, {@code ws}. */
  WEBSOCKET,
  /** TLS to the node ({@code kubernetes.io/wss}, {@code wss}, {@code https}, {@code grpcs}, {@code tls}, {@code h2}):
   *  never spoken in clear, and edgeport has no TLS to nodes yet. */
  TLS,
  /** Anything else: Gateway API routes refuse it (the spec's UnsupportedProtocol); an Ingress keeps its default. */
  OTHER;

  public static AppProtocol of(String appProtocol) {
    if (appProtocol == null) {
      return DEFAULT;
    }
    return switch (appProtocol.toLowerCase(Locale.ROOT)) {
      case "http", "kubernetes.io/http" -> DEFAULT;
      case "kubernetes.io/h2c", "h2c", "grpc" -> H2C;
      case "kubernetes.io/ws", "ws" -> WEBSOCKET;
      case "kubernetes.io/wss", "wss", "https", "grpcs", "tls", "h2" -> TLS;
      default -> OTHER;
    };
  }

  /** Cleartext HTTP/2 to the nodes, where the backend asks {@code asked}? */
  public boolean h2c(boolean asked) {
    return this == H2C || this != WEBSOCKET && asked;
  }
}
