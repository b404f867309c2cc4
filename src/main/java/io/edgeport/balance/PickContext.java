package io.edgeport.balance;

/** What a balancer may ask of the request it places; asked lazily, so policies that do not need it cost nothing. */
public interface PickContext {
  /** The client's address as text (after trusted-proxy resolution). */
  String clientAddress();
}
