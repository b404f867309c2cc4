package io.edgeport.model;

import java.time.Duration;

/**
 * A domain's HTTPS rules.
 *
 * @param redirect plain-HTTP requests get a {@code 308} to the same URL on the HTTPS listener
 * @param hsts     {@code Strict-Transport-Security: max-age} on HTTPS responses, or null: none
 */
public record HttpsPolicy(boolean redirect, Duration hsts) {
  public static final HttpsPolicy NONE = new HttpsPolicy(false, null);
}
