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
 * @param attempts tries in all, the first one included, each on another node (unless {@code revisit})
 * @param codes    response statuses whose answer is dropped and the request sent elsewhere (Gateway API's
 *                 {@code retry.codes}; {@code on: [503]} in the config file adds 503)
 * @param backoff  the wait before each retry after the first try (Gateway API's {@code retry.backoff}), or null
 * @param revisit  with fewer nodes than attempts, tries go round the nodes again (each node forwards to any pod of
 *                 the Service, so another try there may reach another pod): Gateway API's attempts are a count of
 *                 retries, not of nodes
 */
public record RetryPolicy(int attempts, Set<On> on, long maxBodyBytes, int budgetPercent, int budgetMinPerSecond,
    Set<Integer> codes, java.time.Duration backoff, boolean revisit) {

  /** What failures are retried. */
  public enum On implements ConfigEnum {
    /** No connection to the node: nothing was sent. */
    CONNECT_FAILURE("connect-failure"),
    /** The connection was reset or closed before any byte of the response arrived. */
    RESET("reset"),
    /** No response headers within {@code timeouts.response}. */
    TIMEOUT("timeout"),
    /** The node answered 503 (the answer is dropped and the request sent elsewhere). */
    STATUS_503("503"),
    /**
     * The node answered a status of {@code codes} other than a config file's 503 (Gateway API's {@code retry.codes}).
     * Not a config-file choice: there {@code 503} says it.
     */
    STATUS("status");

    private final String configName;

    On(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }

    public static On fromConfigName(String name) {
      On on = ConfigEnum.fromConfigName(On.class, name);
      return on == STATUS ? null : on;
    }

    /** The config file's choices: every reason but {@link #STATUS}, which is {@code 503} there. */
    public static String choices() {
      return java.util.Arrays.stream(values()).filter(o -> o != STATUS).map(On::configName)
          .collect(java.util.stream.Collectors.joining(", "));
    }
  }

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, EnumSet.of(On.CONNECT_FAILURE, On.RESET), 64 * 1024, 20, 10);

  public RetryPolicy {
    on = on.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(on));
    codes = Set.copyOf(on.contains(On.STATUS_503) ? plus(codes, 503) : codes);
  }

  public RetryPolicy(int attempts, Set<On> on, long maxBodyBytes, int budgetPercent, int budgetMinPerSecond) {
    this(attempts, on, maxBodyBytes, budgetPercent, budgetMinPerSecond, Set.of(), null, false);
  }

  public boolean retries(On failure) {
    return on.contains(failure);
  }

  /** Is a response of this status dropped and the request sent elsewhere? */
  public boolean retriesStatus(int status) {
    return !codes.isEmpty() && codes.contains(status);
  }

  private static Set<Integer> plus(Set<Integer> codes, int code) {
    Set<Integer> out = new java.util.HashSet<>(codes);
    out.add(code);
    return out;
  }
}
