package io.edgeport.model;

import java.time.Duration;

/**
 * A Gateway API rule's timeouts (HTTPRoute {@code timeouts}, GEP-1742). A rule that has them is held to them instead of
 * {@code timeouts.response}: the spec's durations cover the whole response, not only its headers.
 *
 * @param request        from the request's arrival to the end of its response, every try included: past it the
 *                       client gets 504 (or, once the response began, its stream is cut); null or zero: none
 * @param backendRequest one try, from its start to the end of the node's response: past it the try fails as a
 *                       timeout (retried where the rule's retry allows, else 504); null or zero: none
 */
public record RouteTimeouts(Duration request, Duration backendRequest) {
  /** Nanoseconds of {@code d}, 0 for none. */
  public static long nanos(Duration d) {
    return d == null ? 0 : d.toNanos();
  }
}
