package io.edgeport.model;

/**
 * A TCP port of a LoadBalancer Service that is not served because an older served Service has the same port: all
 * served Services share edgeport's addresses, so a port number is one Service's.
 *
 * @param service  {@code namespace/name} of the Service refused
 * @param heldBy   {@code namespace/name} of the Service that has the port
 */
public record L4Conflict(String service, int port, String protocol, String heldBy) {
  /** {@code namespace/name:port}, as {@link L4Route#name()}. */
  public String name() {
    return service + ":" + port;
  }

  /** Why the port is not served, for the log, status and the Service's Event. */
  public String why() {
    return "port " + port + " is served for Service " + heldBy;
  }
}
