package io.edgeport.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

/** What every exchange of one event loop shares: its pooled client and the forwarding settings. */
record ProxyContext(Vertx vertx, HttpClient client, ForwardedHeaders forwarded, long connectTimeoutNanos,
    long responseTimeoutMillis, UpstreamFailures failures) {}
