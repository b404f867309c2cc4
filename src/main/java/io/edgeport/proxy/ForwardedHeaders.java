package io.edgeport.proxy;

import io.edgeport.config.Cidr;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * X-Forwarded-For/-Proto/-Host/-Port. A client inside {@code trustedProxies} (another proxy of the
 * user's) has its X-Forwarded-* kept and appended to; from anyone else they, and {@code Forwarded},
 * are dropped and set afresh, so a client cannot spoof its address.
 */
final class ForwardedHeaders {
  static final String XFF = "x-forwarded-for";
  static final String XFP = "x-forwarded-proto";
  static final String XFH = "x-forwarded-host";
  static final String XFPORT = "x-forwarded-port";

  private final List<Cidr> trusted;

  ForwardedHeaders(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** Header names that an untrusted client's request loses. */
  static boolean isForwardingHeader(String name) {
    return name.length() > 12 && name.regionMatches(true, 0, "x-forwarded-", 0, 12)
        || name.equalsIgnoreCase("forwarded");
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
