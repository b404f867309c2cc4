package io.edgeport.model;

import java.time.Duration;

/**
 * A rule's session persistence (Gateway API GEP-1619, from the rule or a BackendLBPolicy): a client that carries the
 * session token returned with its first response stays on the backend and node that answered it, while that node
 * takes traffic. The token names the node by a digest, never by its address.
 *
 * @param type            where the token travels
 * @param name            the cookie's or header's name
 * @param absoluteTimeout how long a session lasts from its first request, or null: as long as the node serves (a
 *                        token past it starts a new session)
 * @param idleTimeout     how long a session lasts without a request, or null: no limit
 * @param permanent       a cookie with {@code Max-Age} ({@code absoluteTimeout}); false: a session cookie
 */
public record SessionPersistence(Type type, String name, Duration absoluteTimeout, Duration idleTimeout,
    boolean permanent) {
  public enum Type { COOKIE, HEADER }
}
