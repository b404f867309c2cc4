package io.edgeport.proxy;

import io.vertx.core.http.HttpClient;

/** What every exchange of one event loop shares: its pooled client and the forwarding settings. */
record ProxyContext(HttpClient client, String scheme, ForwardedHeaders forwarded, long connectTimeoutNanos,
    ResponseDeadlines deadlines, UpstreamFailures failures) {}
