package io.edgeport.routing;

import io.edgeport.balance.EndpointPicker;
import io.edgeport.balance.RetryBudget;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.RouteFilters;
import io.edgeport.net.Cidr;
import java.util.List;

/**
 * A NodePort service across the cluster's nodes, with its balancer.
 *
 * @param name              for logs, like {@code :30005} or {@code default/api-service}
 * @param allowedSources    client networks allowed in (empty: everyone)
 * @param unavailableReason why it cannot serve now (its requests get 503), or null
 * @param retry             which failed requests are sent to another node
 * @param budget            how many retries it may make now; lives across generations
 * @param h2c               forwarded over cleartext HTTP/2
 * @param proxyProtocol     PROXY protocol version on node connections (1, 2), or 0
 * @param filters           the header edits of the Gateway API backendRef that names it in this rule, or null; a
 *                          backend named with edits shares the balancer and budget of the one named without
 */
public record Backend(String name, EndpointPicker balancer, List<Cidr> allowedSources, String unavailableReason,
    RetryPolicy retry, RetryBudget budget, boolean h2c, int proxyProtocol, RouteFilters filters) {

  /** The same backend (balancer, budget) with a backendRef's edits. */
  Backend withFilters(RouteFilters f) {
    return new Backend(name, balancer, allowedSources, unavailableReason, retry, budget, h2c, proxyProtocol, f);
  }
}
