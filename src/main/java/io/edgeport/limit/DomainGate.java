package io.edgeport.limit;

import io.edgeport.model.ClientRules;
import io.edgeport.net.Cidr;
import java.util.List;

/**
 * A domain's client rules as the request path applies them: deny, then allow, then the rate limit.
 * The limiter lives as long as the domain's rules do, across generations.
 */
public final class DomainGate {
  /** The verdicts besides a Retry-After in seconds. */
  public static final long PASS = 0;
  public static final long FORBIDDEN = -1;

  private final List<Cidr> allow;
  private final List<Cidr> deny;
  private final RateLimiter limiter;
  private final long maxBodyBytes;

  public DomainGate(ClientRules rules, RateLimiter limiter) {
    this.allow = rules.allow();
    this.deny = rules.deny();
    this.limiter = limiter;
    this.maxBodyBytes = rules.maxBodyBytes();
  }

  /** The largest request body, or 0: unlimited. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * @param client the client's address (an IP literal), as the forwarding rules establish it
   * @return {@link #PASS}, {@link #FORBIDDEN} (403), or the seconds after which to retry (429)
   */
  public long check(String client, long nowNanos) {
    if (!allow.isEmpty() || !deny.isEmpty()) {
      byte[] ip = Cidr.IpLiterals.parse(client);
      if (ip == null || contains(deny, ip) || !allow.isEmpty() && !contains(allow, ip)) {
        return FORBIDDEN;
      }
    }
    return limiter == null ? PASS : limiter.acquire(client, nowNanos);
  }

  private static boolean contains(List<Cidr> networks, byte[] ip) {
    for (Cidr c : networks) {
      if (c.contains(ip)) {
        return true;
      }
    }
    return false;
  }
}
