package io.edgeport.routing;

import io.edgeport.balance.LoadBalancer;

/**
 * A NodePort service across the cluster's nodes, with its balancer.
 *
 * @param name for logs, like {@code :30005}
 */
public record Backend(String name, LoadBalancer balancer) {}
