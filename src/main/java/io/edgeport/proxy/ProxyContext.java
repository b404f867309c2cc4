package io.edgeport.proxy;

import io.vertx.core.http.HttpClient;

/** What every exchange of one event loop shares: its pooled client, failure log and traffic counters. */
record ProxyContext(HttpClient client, String scheme, UpstreamFailures failures) {}
