package io.edgeport.model;

/**
 * A Kubernetes Service whose nodePort the API supplies.
 *
 * @param port the Service port's number or name, or null when the Service has a single port
 */
public record ServiceRef(String namespace, String name, String port) {
  @Override
  public String toString() {
    return namespace + "/" + name + (port == null ? "" : ":" + port);
  }
}
