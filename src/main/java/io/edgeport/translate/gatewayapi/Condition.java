package io.edgeport.translate.gatewayapi;

/**
 * A status condition as the Gateway API defines it, as a value; the API's objects are made from it only where status
 * is written ({@link StatusObjects}). {@code lastTransitionTime} is the writer's: it keeps the old one while the
 * condition stays the same. {@code observedGeneration} is that of the object the status belongs to.
 *
 * @param message empty when the reason says it all
 */
public record Condition(Type type, boolean status, Reason reason, String message) {
  /** The condition types edgeport reports, spelled as the API spells them. */
  public enum Type { Accepted, Conflicted, Programmed, ResolvedRefs }

  /** The reasons edgeport gives, spelled as the API spells them. */
  public enum Reason {
    Accepted, Programmed, Invalid, ResolvedRefs,
    /** GatewayClass, Gateway. */
    ListenersNotValid,
    /** Listener; and route (a backend's appProtocol edgeport does not speak). */
    UnsupportedProtocol,
    /** Listener. */
    PortUnavailable, HostnameConflict, NoConflicts, InvalidRouteKinds, InvalidCertificateRef,
    /** Listener (a Secret) and route (a Service). */
    RefNotPermitted,
    /** Route. */
    NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname, UnsupportedValue, InvalidKind, BackendNotFound
  }

  /** {@code type} True, for the reason of the same name: Accepted, Programmed or ResolvedRefs. */
  static Condition holds(Type type) {
    return new Condition(type, true, Reason.valueOf(type.name()), "");
  }

  /** {@code type} False, and why. */
  static Condition fails(Type type, Reason reason, String message) {
    return new Condition(type, false, reason, message);
  }
}
