package io.edgeport.model;

/**
 * One port of a LoadBalancer Service that edgeport serves: a layer-4 route from its port on edgeport's addresses to
 * its nodePort on the nodes.
 *
 * @param service  {@code namespace/name}
 * @param backend  the port's nodePort on the eligible nodes, resolved like any Service backend; null for a
 *                 protocol edgeport does not relay (UDP, SCTP)
 */
public record L4Route(String service, int port, String protocol, BackendRef backend) {
  /** {@code namespace/name:port}, for logs, status and metrics. */
  public String name() {
    return service + ":" + port;
  }
}
