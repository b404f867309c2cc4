package io.edgeport.model;

/**
 * A TCP port of a LoadBalancer Service that is not served because another served Service has it: all served Services
 * share edgeport's addresses, so a port number is one Service's. Of the Services asking for a port, the one that
 * holds it (its status, as edgeport wrote it, lists the port without an error) has it; of several holders (an edit by
 * hand) and of new claims, the older by creationTimestamp, then by namespace/name, one without a timestamp last.
 *
 * @param service {@code namespace/name} of the Service refused
 * @param heldBy  {@code namespace/name} of the Service that has the port: for edgeport's log and status only, never
 *                told to the Service refused (it may be another tenant's)
 */
public record L4Conflict(String service, int port, String heldBy) {
  /** The Event reason, and the {@code error} of the port in the refused Service's status. */
  public static final String PORT_IN_USE = "PortInUse";

  /** {@code namespace/name:port}, as {@link L4Route#name()}. */
  public String name() {
    return service + ":" + port;
  }

  /** Why the port is not served, for edgeport's log and status. */
  public String why() {
    return "port " + port + " is served for Service " + heldBy;
  }

  /** Why the port is not served, for the Service refused: it does not name the holder. */
  public String toRefused() {
    return "port " + port + " is in use by another Service";
  }
}
