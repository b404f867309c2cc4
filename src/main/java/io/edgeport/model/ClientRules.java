package io.edgeport.model;

import io.edgeport.net.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * Who may use a domain, how fast, and with how large a body.
 *
 * @param allow     client networks let in (empty: everyone not denied)
 * @param deny      client networks refused (403), checked first
 * @param rateLimit requests per client address, or null: none
 * @param maxBodyBytes the largest request body (413 beyond), or 0: unlimited
 */
public record ClientRules(List<Cidr> allow, List<Cidr> deny, RateLimit rateLimit, long maxBodyBytes) {
  public static final ClientRules NONE = new ClientRules(List.of(), List.of(), null, 0);

  public ClientRules {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
  }

  public boolean isNone() {
    return allow.isEmpty() && deny.isEmpty() && rateLimit == null && maxBodyBytes == 0;
  }

  /**
   * {@code requests} per {@code per} on average, with bursts of up to {@code burst} (by client address).
   */
  public record RateLimit(int requests, Duration per, int burst) {}
}
