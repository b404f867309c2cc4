package io.edgeport.proxy;

import io.edgeport.net.Cidr;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * X-Forwarded-For/-Proto/-Host/-Port. A client inside {@code trustedProxies} (another proxy of the
 * user's) has its X-Forwarded-* kept and appended to; from anyone else they, {@code Forwarded} and the
 * {@code untrustedHeaders} (X-Real-IP, X-Original-URL, ...) are dropped and the X-Forwarded-* set afresh,
 * so a client cannot spoof its address or have the application serve another URL.
 */
final class ForwardedHeaders {
  static final String XFF = "x-forwarded-for";
  static final String XFP = "x-forwarded-proto";
  static final String XFH = "x-forwarded-host";
  static final String XFPORT = "x-forwarded-port";

  private final List<Cidr> trusted;
  /** The configured untrusted header names, lower case. */
  private final String[] untrusted;
  /** Bit n set: one of them is n characters long (a header of another length is not compared at all). */
  private final long untrustedLengths;
  /** What an untrusted client's request loses, as {@link HopByHop#copyEndToEnd} asks: one instance, no allocation. */
  final HopByHop.HeaderFilter fromUntrusted = this::dropsFromUntrusted;

  /** @param untrustedHeaders lower-case names, besides X-Forwarded-* and Forwarded */
  ForwardedHeaders(List<Cidr> trusted, List<String> untrustedHeaders) {
    this.trusted = List.copyOf(trusted);
    this.untrusted = untrustedHeaders.toArray(String[]::new);
    long lengths = 0;
    for (String name : untrusted) {
      lengths |= name.length() < 64 ? 1L << name.length() : 0;
    }
    this.untrustedLengths = lengths;
  }

  /**
   * X-Forwarded-* and Forwarded, which edgeport sets itself. An underscore counts as a dash in these names: CGI-style
   * backends (WSGI, Rack, PHP) read {@code X_Real_IP} and {@code X-Real-IP} as one {@code HTTP_X_REAL_IP}.
   */
  private static boolean isForwardingHeader(String name) {
    return name.length() > 12 && sameName(name, "x-forwarded-", 12) || sameName(name, "forwarded", name.length());
  }

  /** Are the first {@code n} characters of {@code name} those of the lower-case {@code known}, {@code _} as {@code -}? */
  private static boolean sameName(String name, String known, int n) {
    if (n > known.length() || n > name.length() || n == name.length() && n != known.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      char k = known.charAt(i);
      if (c != k && (c | 0x20) != k && !(c == '_' && k == '-')) {
        return false;
      }
    }
    return true;
  }

  private boolean dropsFromUntrusted(String name) {
    int n = name.length();
    return isForwardingHeader(name) || (n >= 64 || (untrustedLengths & 1L << n) != 0) && named(name);
  }

  private boolean named(String name) {
    for (String u : untrusted) {
      if (u.length() == name.length() && sameName(name, u, u.length())) {
        return true;
      }
    }
    return false;
  }

  boolean isTrusted(String address) {
    return !trusted.isEmpty() && isIn(address, trusted);
  }

  /** Is the IP literal {@code address} in one of {@code networks}? */
  static boolean isIn(String address, List<Cidr> networks) {
    byte[] bytes = Cidr.IpLiterals.parse(address);
    if (bytes == null) {
      return false;
    }
    for (Cidr c : networks) {
      if (c.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The address of the client on whose behalf the request comes: the peer, or for a trusted peer
   * the right-most X-Forwarded-For entry that is not itself a trusted proxy.
   */
  String clientAddress(String peer, boolean peerTrusted, MultiMap incoming) {
    if (!peerTrusted) {
      return peer;
    }
    List<String> values = incoming.getAll(XFF);
    for (int v = values.size() - 1; v >= 0; v--) {
      String[] hops = values.get(v).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (!hop.isEmpty() && !isTrusted(hop)) {
          return hop;
        }
      }
    }
    return peer;
  }

  /**
   * Sets the forwarding headers on the outgoing request.
   *
   * @param peer        the connection's remote address
   * @param peerTrusted whether {@link #isTrusted} holds for it (the caller already copied its headers)
   */
  void apply(MultiMap incoming, MultiMap outgoing, String peer, boolean peerTrusted, String proto,
      String host, int port) {
    if (peerTrusted) {
      List<String> chain = incoming.getAll(XFF);
      outgoing.set(XFF, chain.isEmpty() ? peer : String.join(", ", chain) + ", " + peer);
      setIfAbsent(outgoing, XFP, proto);
      setIfAbsent(outgoing, XFH, host);
      setIfAbsent(outgoing, XFPORT, Integer.toString(port));
    } else {
      outgoing.set(XFF, peer);
      outgoing.set(XFP, proto);
      outgoing.set(XFH, host);
      outgoing.set(XFPORT, Integer.toString(port));
    }
  }

  private static void setIfAbsent(MultiMap headers, String name, String value) {
    if (!headers.contains(name)) {
      headers.set(name, value);
    }
  }
}
