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
 * @param maxConnections      open client connections per listener; one more is closed at once (0: no limit). The
 *                            default fits the shipped JVM options (bench/RESULTS.md, "connection limits"): both
 *                            listeners full take about half the old generation (what their unfinished request
 *                            heads hold is bounded apart, by {@code headBufferBytes})
 * @param maxConnectionsPerIp open client connections per client address (0: no limit; clients behind one NAT
 *                            share an address)
 * @param ipv6Prefix          an IPv6 client is its network of this prefix length (1-128), for maxConnectionsPerIp
 *                            and rate limits: one host or home has a whole /64 to pick addresses from
 * @param minBodyRate         bytes per second a request body must average, past its first {@code bodyTimeout}
 *                            (0: only the pause is bounded)
 * @param sendTimeout         a client that takes no byte of its response for this long is cut off, and the node
 *                            connection serving it freed
 * @param retryBufferBytes    request bodies held whole for a retry, all requests together (each event loop gets an
 *                            equal share); a body beyond it streams and is not retried
 * @param headBufferBytes     request heads that have arrived in part, all connections together (each event loop has
 *                            an equal share): a read that would hold more is refused with 503 (0: an eighth of the
 *                            JVM's direct memory)
 * @param mirrorBodyBytes     the largest request body copied to a mirror (Gateway API RequestMirror): a longer one is
 *                            not mirrored (a copy under way is dropped); 0: only requests without a body are
 */
public record LimitsConfig(long maxHeaderBytes, Duration headerTimeout, Duration bodyTimeout,
    int maxRequestsPerConnection, int maxConnections, int maxConnectionsPerIp, int ipv6Prefix,
    long minBodyRate, Duration sendTimeout, long retryBufferBytes, long headBufferBytes, long mirrorBodyBytes) {
  public static final LimitsConfig DEFAULTS = new LimitsConfig(32 * 1024, Duration.ofSeconds(10),
      Duration.ofSeconds(30), 1000, 2_000, 0, 64,
      1024, Duration.ofSeconds(60), 16 * 1024 * 1024, 0, 64 * 1024);
}
