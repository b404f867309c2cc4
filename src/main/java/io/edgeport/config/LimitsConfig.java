package io.edgeport.config;

import java.time.Duration;

/**
 * What one client may hold of the gateway.
 *
 * @param maxHeaderBytes      request line and headers together; more is refused with 431 (a target over 8 KiB: 414)
 * @param headerTimeout       a request head must arrive whole within this from its first byte (slowloris): 408
 * @param bodyTimeout         a client sending a body may pause this long between two reads, and must send all of it
 *                            within this plus its size at {@code minBodyRate}; then its connection closes (an HTTP/2
 *                            stream is reset), with 408 if nothing was answered yet
 * @param maxRequestsPerConnection then the response says {@code Connection: close}
 * @param maxConnections      open client connections per listener; one more is closed at once (0: no limit)
 * @param maxConnectionsPerIp open client connections per client address (0: no limit; clients behind one NAT
 *                            share an address)
 * @param minBodyRate         bytes per second a request body must average, past its first {@code bodyTimeout}
 *                            (0: only the pause is bounded)
 * @param sendTimeout         a client that takes no byte of its response for this long is cut off, and the node
 *                            connection serving it freed
 * @param retryBufferBytes    request bodies held whole for a retry, all requests together (each event loop gets an
 *                            equal share); a body beyond it streams and is not retried
 */
public record LimitsConfig(long maxHeaderBytes, Duration headerTimeout, Duration bodyTimeout,
    int maxRequestsPerConnection, int maxConnections, int maxConnectionsPerIp,
    long minBodyRate, Duration sendTimeout, long retryBufferBytes) {
  public static final LimitsConfig DEFAULTS = new LimitsConfig(32 * 1024, Duration.ofSeconds(10),
      Duration.ofSeconds(30), 1000, 50_000, 0,
      1024, Duration.ofSeconds(60), 16 * 1024 * 1024);
}
