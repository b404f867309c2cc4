package io.edgeport.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * When a request that failed on one node is sent to another. Only safe requests are retried: an
 * idempotent method, and no body or one read whole that is at most {@code maxBodyBytes}; a POST or
 * PATCH is never sent twice. Retries of a backend are bounded by a budget: at most
 * {@code budgetPercent} of its requests over the last 10 s, plus {@code budgetMinPerSecond} per
 * second, so a failing cluster does not double its own load.
 *
 * @param attempts tries in all, the first one included, each on another node
 */
public record RetryPolicy(int attempts, Set<On> on, long maxBodyBytes, int budgetPercent, int budgetMinPerSecond) {

  /** What failures are retried. */
  public enum On implements ConfigEnum {
    /** No connection to the node: nothing was sent. */
    CONNECT_FAILURE("connect-failure"),
    /** The connection was reset or closed before any byte of the response arrived. */
    RESET("reset"),
    /** No response headers within {@code timeouts.response}. */
    TIMEOUT("timeout"),
    /** The node answered 503 (the answer is dropped and the request sent elsewhere). */
    STATUS_503("503");

    private final String configName;

    On(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }

    public static On fromConfigName(String name) {
      return ConfigEnum.fromConfigName(On.class, name);
    }

    public static String choices() {
      return ConfigEnum.choices(On.class, ", ");
    }
  }

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, EnumSet.of(On.CONNECT_FAILURE, On.RESET), 64 * 1024, 20, 10);

  public RetryPolicy {
    on = on.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(on));
  }

  public boolean retries(On failure) {
    return on.contains(failure);
  }
}
