package io.edgeport.routing;

import io.edgeport.balance.Endpoint;
import io.edgeport.model.SessionPersistence;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule's session persistence for one generation: the token of each node that takes traffic now, and the node of
 * each token. A token is {@code DIGEST[.ISSUED.SEEN]}: a digest of the backend's name and the node's address (the
 * same on every replica and every generation; not a secret: whoever knows the nodes' addresses can compute it),
 * then, when the policy has timeouts, the session's start and its last request in seconds since the epoch (base 36). A token whose node does not take traffic
 * now (unhealthy, drained, gone) finds nothing: the request is placed as any other and gets a new token.
 */
public final class SessionTable {
  /**
   * Where a token's session goes: a backend of the rule and the index of its node there; with a timed policy, when the
   * session began and its last request (seconds since the epoch; 0 untimed).
   */
  public record Pin(Backend backend, int index, long issuedSeconds, long seenSeconds) {
    /** Is {@code endpoint} the node this session is pinned to? */
    public boolean on(Endpoint endpoint) {
      return backend.balancer().endpoints().get(index) == endpoint;
    }
  }

  /** A token to hand out, and when its session began (for a cookie's Max-Age). */
  public record Renewal(String token, long issuedSeconds) {}

  private static final int DIGEST_CHARS = 16;
  private final SessionPersistence policy;
  private final Map<String, Pin> byDigest = new HashMap<>();
  private final Map<Endpoint, String> digestOf = new IdentityHashMap<>();
  private final long absoluteSeconds;
  private final long idleSeconds;

  /** @param backends the rule's usable backends */
  public SessionTable(SessionPersistence policy, List<Backend> backends) {
    this.policy = policy;
    this.absoluteSeconds = policy.absoluteTimeout() == null ? 0 : policy.absoluteTimeout().toSeconds();
    this.idleSeconds = policy.idleTimeout() == null ? 0 : policy.idleTimeout().toSeconds();
    for (Backend b : backends) {
      List<Endpoint> endpoints = b.balancer().endpoints();
      for (int i = 0; i < endpoints.size(); i++) {
        String digest = digest(b.name(), endpoints.get(i).toString());
        byDigest.putIfAbsent(digest, new Pin(b, i, 0, 0));
        digestOf.putIfAbsent(endpoints.get(i), digest);
      }
    }
  }

  public SessionPersistence policy() {
    return policy;
  }

  private boolean timed() {
    return absoluteSeconds > 0 || idleSeconds > 0;
  }

  /**
   * The session a token names, if its node takes traffic and it has not timed out; else null. The times a client
   * sends are its own to say (the token is not signed): they only ever end its own session sooner, and one from the
   * future, or not a plain base-36 count, is no session at all.
   */
  public Pin find(String token, long nowSeconds) {
    if (token == null || token.length() < DIGEST_CHARS) {
      return null;
    }
    Pin pin = byDigest.get(token.substring(0, DIGEST_CHARS));
    if (pin == null || !timed()) {
      return pin;
    }
    int dot = token.indexOf('.', DIGEST_CHARS + 1);
    if (token.length() == DIGEST_CHARS || token.charAt(DIGEST_CHARS) != '.' || dot < 0) {
      return null; // a timed policy's token carries its times
    }
    long issued = seconds(token, DIGEST_CHARS + 1, dot);
    long seen = seconds(token, dot + 1, token.length());
    if (issued < 0 || seen < issued || seen > nowSeconds + 60
        || absoluteSeconds > 0 && nowSeconds - issued >= absoluteSeconds
        || idleSeconds > 0 && nowSeconds - seen >= idleSeconds) {
      return null;
    }
    return new Pin(pin.backend(), pin.index(), issued, seen);
  }

  /** Base-36 digits only (no sign), at most 12 of them (a long cannot overflow); -1 otherwise. */
  private static long seconds(String token, int from, int to) {
    if (to <= from || to - from > 12) {
      return -1;
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(token.charAt(i), 36);
      if (d < 0) {
        return -1;
      }
      n = n * 36 + d;
    }
    return n;
  }

  /**
   * The token to hand out after {@code endpoint} answered, or null when the client's one stays good: a new session
   * (none, or it ended on another node), or a timed one whose last request is getting old.
   *
   * @param pin the session the request came with, or null
   */
  public Renewal renewal(Endpoint endpoint, Pin pin, long nowSeconds) {
    String digest = digestOf.get(endpoint);
    if (digest == null) {
      return null; // a node of no backend of this rule (cannot happen): nothing to pin
    }
    boolean same = pin != null && pin.on(endpoint);
    if (same && (!timed() || idleSeconds == 0 || nowSeconds - pin.seenSeconds() < Math.max(1, idleSeconds / 8))) {
      return null;
    }
    if (!timed()) {
      return new Renewal(digest, nowSeconds);
    }
    long issued = same ? pin.issuedSeconds() : nowSeconds;
    return new Renewal(digest + "." + Long.toString(issued, 36) + "." + Long.toString(nowSeconds, 36), issued);
  }

  /** A cookie's {@code Max-Age} for a session begun at {@code issued}: what is left of its absolute timeout. */
  public long maxAge(long issuedSeconds, long nowSeconds) {
    return Math.max(1, absoluteSeconds - (nowSeconds - issuedSeconds));
  }

  static String digest(String backend, String node) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(("edgeport-session\n" + backend + "\n" + node)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, DIGEST_CHARS / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
