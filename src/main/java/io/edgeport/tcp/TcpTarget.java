package io.edgeport.tcp;

import io.edgeport.routing.Backend;

/**
 * Where a listening TCP port sends its connections now: a Service port's nodePort on the eligible nodes.
 *
 * @param name                 for logs, status and metrics: {@code namespace/name:port}
 * @param backend              its balancer (the nodes that take connections), allowed sources and PROXY protocol
 * @param connectTimeoutMillis for all tries of one connection together
 * @param idleMillis           a connection silent both ways for this long is closed
 */
public record TcpTarget(String name, Backend backend, long connectTimeoutMillis, long idleMillis) {}
