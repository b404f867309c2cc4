package io.edgeport.tcp;

import io.edgeport.routing.Backend;

/**
 * Where a listening TCP port sends its connections now: a Service port's nodePort on the eligible nodes.
 *
 * @param name                 for logs, status and metrics: {@code namespace/name:port}
 * @param backend              its balancer (the nodes that take connections), allowed sources and PROXY protocol
 * @param connectTimeoutMillis for all tries of one connection together
 * @param idleMillis           a connection silent both ways for this long is closed
 * @param maxConnections       open connections of the Service port, at all its addresses (0: no limit)
 * @param maxConnectionsPerIp  open connections of one client address to the Service port (0: no limit)
 * @param ipv6Prefix           an IPv6 client is its network of this many bits, as in {@code limits.ipv6Prefix}
 */
public record TcpTarget(String name, Backend backend, long connectTimeoutMillis, long idleMillis, int maxConnections,
    int maxConnectionsPerIp, int ipv6Prefix) {}
