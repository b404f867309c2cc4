package io.edgeport.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What every exchange of one event loop shares: its pooled clients (HTTP/1.1, and cleartext HTTP/2 for
 * {@code protocol: h2c} backends), failure log, the current generation, the loop's own traffic counters,
 * its open WebSockets, and its unpooled node connections that carry a PROXY header (both confined to the loop).
 *
 * @param loops the event loops serving requests: a process-wide budget ({@code limits.retryBufferBytes}) is split
 *              evenly between them, each held in its loop's {@link Traffic.Loop}
 */
record ProxyContext(HttpClientAgent client, HttpClientAgent h2cClient, String scheme, UpstreamFailures failures,
    Supplier<Generation> generations, Traffic.Loop traffic, Set<Tunnel> tunnels,
    BackendProxyProtocol proxyProtocolConnections,
    Vertx vertx, int loops) {

  /** Requests of this listener came over TLS. */
  boolean tls() {
    return scheme.equals("https");
  }
}
