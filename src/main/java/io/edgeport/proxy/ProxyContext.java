package io.edgeport.proxy;

import io.vertx.core.http.HttpClient;
import java.util.function.Supplier;

/** What every exchange of one event loop shares: its pooled client, failure log, and the current generation. */
record ProxyContext(HttpClient client, String scheme, UpstreamFailures failures, Supplier<Generation> generations) {}
