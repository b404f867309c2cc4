package io.edgeport.translate.gatewayapi;

import java.util.List;

/**
 * The status edgeport reports for the Gateway API objects it serves, as values ({@link StatusObjects} makes the
 * API's objects of them). Each carries the {@code generation} of its object: the conditions' observedGeneration.
 */
public final class ObjectStatus {
  private ObjectStatus() {}

  /**
   * A served GatewayClass.
   *
   * @param supportedFeatures the Gateway API features edgeport implements, by the spec's names, sorted
   */
  public record GatewayClass(Long generation, List<Condition> conditions, List<String> supportedFeatures) {
    public GatewayClass {
      conditions = List.copyOf(conditions);
      supportedFeatures = List.copyOf(supportedFeatures);
    }
  }

  /**
   * A served Gateway.
   *
   * @param address what {@code publishAddress} says edgeport is reached at, or null
   */
  public record Gateway(Long generation, List<Condition> conditions, List<Listener> listeners, Address address) {
    public Gateway {
      conditions = List.copyOf(conditions);
      listeners = List.copyOf(listeners);
    }
  }

  /** @param type {@code IPAddress} or {@code Hostname} */
  public record Address(String type, String value) {}

  /**
   * One listener of a served Gateway.
   *
   * @param supportedKinds the route kinds it takes (of the Gateway API's group)
   * @param attachedRoutes the routes attached to it
   */
  public record Listener(String name, List<Condition> conditions, List<String> supportedKinds, int attachedRoutes) {
    public Listener {
      conditions = List.copyOf(conditions);
      supportedKinds = List.copyOf(supportedKinds);
    }
  }

  /** A route's (HTTPRoute's or GRPCRoute's) status for the parents edgeport serves, in the order of its parentRefs. */
  public record Route(Long generation, List<Parent> parents) {
    public Route {
      parents = List.copyOf(parents);
    }
  }

  /** The status of a route for one parent. */
  public record Parent(ParentRef parentRef, List<Condition> conditions) {
    public Parent {
      conditions = List.copyOf(conditions);
    }
  }

  /** A parentRef, as reported: a Gateway, its namespace filled in; sectionName and port as the route gave them. */
  public record ParentRef(String namespace, String name, String sectionName, Integer port) {}
}
