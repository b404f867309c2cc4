package io.edgeport.routing;

import io.edgeport.balance.LoadBalancer;
import io.edgeport.config.Cidr;
import java.util.List;

/**
 * A NodePort service across the cluster's nodes, with its balancer.
 *
 * @param name              for logs, like {@code :30005} or {@code default/api-service}
 * @param allowedSources    client networks allowed in (empty: everyone)
 * @param unavailableReason why it cannot serve now (its requests get 503), or null
 */
public record Backend(String name, LoadBalancer balancer, List<Cidr> allowedSources, String unavailableReason) {

  public Backend(String name, LoadBalancer balancer) {
    this(name, balancer, List.of(), null);
  }
}
