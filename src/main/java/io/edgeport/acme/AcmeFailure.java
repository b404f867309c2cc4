package io.edgeport.acme;

import java.time.Instant;

/** Why an order failed, in one line for status, and when the CA said to come back (or null). */
public final class AcmeFailure extends Exception {
  private final transient Instant retryAfter;

  AcmeFailure(String message, Instant retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  public Instant retryAfter() {
    return retryAfter;
  }
}
