package io.edgeport.proxy;

import io.vertx.core.http.HttpClient;
import java.util.function.Supplier;

/**
 * What every exchange of one event loop shares: its pooled client, failure log, the current
 * generation, and the loop's own traffic counters.
 */
record ProxyContext(HttpClient client, String scheme, UpstreamFailures failures, Supplier<Generation> generations,
    Traffic.Loop traffic) {}
