package io.edgeport.proxy;

import io.edgeport.model.RetryPolicy;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Request counters for metrics and status, kept per event-loop thread: each thread writes only its
 * own counters (plain stores, made visible to a scrape by opaque access: no locks, no contended
 * atomics on the request path), and a scrape sums over the threads. Counters belong to the thread,
 * not to a listener, so they survive reloads and listener moves and stay monotonic.
 */
public final class Traffic {
  /** Request duration histogram bounds, in seconds. */
  public static final double[] LATENCY_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
      10};
  private static final long[] BOUND_NANOS = new long[LATENCY_BOUNDS.length];
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  // A domain's counters in one array: the latency buckets (the last one is +Inf), then these.
  private static final int SUM_NANOS = LATENCY_BOUNDS.length + 1;
  private static final int BYTES_IN = SUM_NANOS + 1;
  private static final int BYTES_OUT = BYTES_IN + 1;
  private static final int DOMAIN_SLOTS = BYTES_OUT + 1;
  // A loop's own counters: connections, then retries by reason (the policy's reasons, then "stale").
  private static final int OPEN_CONNECTIONS = 0;
  private static final int CONNECTIONS = 1;
  private static final int BUDGET_EXHAUSTED = 2;
  private static final int OPEN_WEBSOCKETS = 3;
  private static final int WEBSOCKETS = 4;
  private static final int CONNECTIONS_REFUSED = 5;
  /** Requests refused as malformed, by status: {@link #REFUSED_STATUSES}. */
  private static final int REFUSED = 6;
  public static final List<Integer> REFUSED_STATUSES = List.of(400, 408, 414, 431, 503, 505);
  /** Bytes held now for request heads that have not all arrived ({@link HeadBuffer}). */
  private static final int HEAD_BUFFER_BYTES = REFUSED + REFUSED_STATUSES.size();
  private static final int RETRIES = HEAD_BUFFER_BYTES + 1;
  private static final int STALE = RETRIES + RetryPolicy.On.values().length;
  /** Request body bytes held now for a retry (reserved at their Content-Length), and bodies refused a hold. */
  private static final int RETRY_BUFFER_BYTES = STALE + 1;
  private static final int RETRY_BUFFER_FULL = RETRY_BUFFER_BYTES + 1;
  /** Mirror copies under way now, then mirror copies by how they ended: {@link #MIRROR_RESULTS}. */
  private static final int MIRRORS_ACTIVE = RETRY_BUFFER_FULL + 1;
  private static final int MIRRORS = MIRRORS_ACTIVE + 1;
  /**
   * How a mirror copy ended, as metrics name it: answered by the mirror; failed (no connection, reset, too slow, or
   * its body over limits.mirrorBodyBytes once under way); skipped (the loop's copies in flight at their bound, or a
   * declared body over the limit).
   */
  public static final List<String> MIRROR_RESULTS = List.of("answered", "failed", "skipped");
  static final int MIRROR_ANSWERED = 0;
  static final int MIRROR_FAILED = 1;
  static final int MIRROR_SKIPPED = 2;
  private static final int OWN_SLOTS = MIRRORS + MIRROR_RESULTS.size();
  /** Retry reasons as metrics name them: the policy's names, and "stale" (a pooled connection the node had closed). */
  public static final List<String> RETRY_REASONS = reasons();

  private static List<String> reasons() {
    List<String> out = new java.util.ArrayList<>();
    for (RetryPolicy.On on : RetryPolicy.On.values()) {
      out.add(on.configName());
    }
    out.add("stale");
    return List.copyOf(out);
  }

  static {
    for (int i = 0; i < LATENCY_BOUNDS.length; i++) {
      BOUND_NANOS[i] = (long) (LATENCY_BOUNDS[i] * 1e9);
    }
  }

  private final List<Loop> loops = new CopyOnWriteArrayList<>();
  private final FastThreadLocal<Loop> local = new FastThreadLocal<>() {
    @Override
    protected Loop initialValue() {
      Loop loop = new Loop();
      loops.add(loop);
      return loop;
    }
  };

  /** The calling thread's counters; call from an event loop. */
  Loop loop() {
    return local.get();
  }

  /** Bytes held now for request heads that have not all arrived, all event loops together. */
  public long headBufferBytes() {
    long held = 0;
    for (Loop loop : loops) {
      held += read(loop.own, HEAD_BUFFER_BYTES);
    }
    return held;
  }

  private static void add(long[] counters, int i, long delta) {
    LONGS.setOpaque(counters, i, (long) LONGS.getOpaque(counters, i) + delta);
  }

  private static long read(long[] counters, int i) {
    return (long) LONGS.getOpaque(counters, i);
  }

  /** One event loop's counters. Written by that loop only. */
  static final class Loop {
    private final long[] own = new long[OWN_SLOTS];
    private final ConcurrentHashMap<String, long[]> domains = new ConcurrentHashMap<>();
    /** domain → node → requests by status class (1xx … 5xx). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, long[]>> byNode = new ConcurrentHashMap<>();

    void connectionOpened() {
      add(own, OPEN_CONNECTIONS, 1);
      add(own, CONNECTIONS, 1);
    }

    void connectionClosed() {
      add(own, OPEN_CONNECTIONS, -1);
    }

    void connectionRefused() {
      add(own, CONNECTIONS_REFUSED, 1);
    }

    void refused(int status) {
      int i = REFUSED_STATUSES.indexOf(status);
      add(own, REFUSED + (i < 0 ? 0 : i), 1);
    }

    /** Takes {@code bytes} more for unfinished request heads, if this loop's then stay within {@code max}. */
    boolean holdHead(long bytes, long max) {
      long held = read(own, HEAD_BUFFER_BYTES);
      if (held + bytes > max) {
        return false;
      }
      add(own, HEAD_BUFFER_BYTES, bytes);
      return true;
    }

    void releaseHead(long bytes) {
      add(own, HEAD_BUFFER_BYTES, -bytes);
    }

    void websocketOpened() {
      add(own, OPEN_WEBSOCKETS, 1);
      add(own, WEBSOCKETS, 1);
    }

    void websocketClosed() {
      add(own, OPEN_WEBSOCKETS, -1);
    }

    void retried(RetryPolicy.On reason) {
      add(own, RETRIES + reason.ordinal(), 1);
    }

    void retriedStale() {
      add(own, STALE, 1);
    }

    void retryBudgetExhausted() {
      add(own, BUDGET_EXHAUSTED, 1);
    }

    /**
     * Reserves {@code bytes} of this loop's retry buffer, if what it holds stays within {@code max}; a body that
     * does not fit is counted (it streams, and is not retried).
     */
    boolean holdForRetry(long bytes, long max) {
      long held = read(own, RETRY_BUFFER_BYTES);
      if (held + bytes > max) {
        add(own, RETRY_BUFFER_FULL, 1);
        return false;
      }
      add(own, RETRY_BUFFER_BYTES, bytes);
      return true;
    }

    void releaseForRetry(long bytes) {
      add(own, RETRY_BUFFER_BYTES, -bytes);
    }

    /** Starts a mirror copy if this loop has fewer than {@code max} under way; else counts it skipped. */
    boolean startMirror(int max) {
      if (read(own, MIRRORS_ACTIVE) >= max) {
        add(own, MIRRORS + MIRROR_SKIPPED, 1);
        return false;
      }
      add(own, MIRRORS_ACTIVE, 1);
      return true;
    }

    /** A mirror copy ended (@param result an index of {@link #MIRROR_RESULTS}; started: it was under way). */
    void mirrorEnded(int result, boolean started) {
      if (started) {
        add(own, MIRRORS_ACTIVE, -1);
      }
      add(own, MIRRORS + result, 1);
    }

    /**
     * @param domain the configured domain, or "" when no route matched
     * @param node   the node that served it ({@code 127.0.0.2:30005}), or "" for the gateway's own answers
     */
    void request(String domain, String node, int status, long nanos, long bytesIn, long bytesOut) {
      long[] d = domains.get(domain);
      if (d == null) {
        d = domains.computeIfAbsent(domain, k -> new long[DOMAIN_SLOTS]);
      }
      int bucket = 0;
      while (bucket < BOUND_NANOS.length && nanos > BOUND_NANOS[bucket]) {
        bucket++;
      }
      add(d, bucket, 1);
      add(d, SUM_NANOS, nanos);
      add(d, BYTES_IN, bytesIn);
      add(d, BYTES_OUT, bytesOut);
      ConcurrentHashMap<String, long[]> nodes = byNode.get(domain);
      if (nodes == null) {
        nodes = byNode.computeIfAbsent(domain, k -> new ConcurrentHashMap<>());
      }
      long[] classes = nodes.get(node);
      if (classes == null) {
        classes = nodes.computeIfAbsent(node, k -> new long[5]);
      }
      add(classes, Math.min(Math.max(status / 100, 1), 5) - 1, 1);
    }
  }

  /**
   * What a domain served, summed over all event loops.
   *
   * @param latencyBuckets requests per duration bucket (not cumulative; the last is above the last bound)
   * @param byNode         node ("" for the gateway's own answers) → requests by status class 1xx … 5xx
   */
  public record DomainTotals(long[] latencyBuckets, double latencySumSeconds, long bytesIn, long bytesOut,
      Map<String, long[]> byNode) {

    public long requests() {
      long n = 0;
      for (long b : latencyBuckets) {
        n += b;
      }
      return n;
    }

    /** Requests answered with 5xx. */
    public long errors() {
      long n = 0;
      for (long[] classes : byNode.values()) {
        n += classes[4];
      }
      return n;
    }
  }

  /**
   * @param domains         "" for requests that matched no route
   * @param retries         by reason ({@link #RETRY_REASONS})
   * @param budgetExhausted failures that went to the client because the backend's retry budget was used up
   * @param openWebsockets  upgraded connections (WebSockets) open now; {@code websockets} counts all of them
   * @param refused         requests refused as malformed, by status
   * @param connectionsRefused connections closed at once for limits.maxConnections or maxConnectionsPerIp
   * @param retryBufferBytes   request body bytes held now for a retry (limits.retryBufferBytes)
   * @param retryBufferFull    bodies that streamed without a retry because the retry buffer was full
   * @param mirrorsActive      mirror copies under way now
   * @param mirrors            mirror copies by how they ended ({@link #MIRROR_RESULTS})
   */
  public record Totals(Map<String, DomainTotals> domains, long openConnections, long connections,
      Map<String, Long> retries, long budgetExhausted, long openWebsockets, long websockets,
      Map<Integer, Long> refused, long connectionsRefused,
      long retryBufferBytes, long retryBufferFull, long mirrorsActive, Map<String, Long> mirrors) {

    public long totalRetries() {
      return retries.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Sums every loop's counters; safe from any thread (each counter is at most a moment old). */
  public Totals totals() {
    Map<String, long[]> sums = new HashMap<>();
    Map<String, Map<String, long[]>> nodes = new HashMap<>();
    long[] own = new long[OWN_SLOTS];
    for (Loop loop : loops) {
      for (int i = 0; i < OWN_SLOTS; i++) {
        own[i] += read(loop.own, i);
      }
      loop.domains.forEach((domain, d) -> {
        long[] sum = sums.computeIfAbsent(domain, k -> new long[DOMAIN_SLOTS]);
        for (int i = 0; i < DOMAIN_SLOTS; i++) {
          sum[i] += read(d, i);
        }
      });
      loop.byNode.forEach((domain, perNode) -> perNode.forEach((node, classes) -> {
        long[] sum = nodes.computeIfAbsent(domain, k -> new HashMap<>()).computeIfAbsent(node, k -> new long[5]);
        for (int i = 0; i < 5; i++) {
          sum[i] += read(classes, i);
        }
      }));
    }
    Map<String, DomainTotals> out = new HashMap<>();
    sums.forEach((domain, s) -> {
      long[] buckets = new long[SUM_NANOS];
      System.arraycopy(s, 0, buckets, 0, SUM_NANOS);
      out.put(domain, new DomainTotals(buckets, s[SUM_NANOS] / (double) TimeUnit.SECONDS.toNanos(1), s[BYTES_IN],
          s[BYTES_OUT], Map.copyOf(nodes.getOrDefault(domain, Map.of()))));
    });
    Map<String, Long> retries = new java.util.LinkedHashMap<>();
    for (int i = 0; i < RETRY_REASONS.size(); i++) {
      retries.put(RETRY_REASONS.get(i), own[RETRIES + i]);
    }
    return new Totals(Map.copyOf(out), own[OPEN_CONNECTIONS], own[CONNECTIONS],
        java.util.Collections.unmodifiableMap(retries), own[BUDGET_EXHAUSTED], own[OPEN_WEBSOCKETS], own[WEBSOCKETS],
        refused(own), own[CONNECTIONS_REFUSED],
        own[RETRY_BUFFER_BYTES], own[RETRY_BUFFER_FULL], own[MIRRORS_ACTIVE], mirrors(own));
  }

  private static Map<String, Long> mirrors(long[] own) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < MIRROR_RESULTS.size(); i++) {
      out.put(MIRROR_RESULTS.get(i), own[MIRRORS + i]);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static Map<Integer, Long> refused(long[] own) {
    Map<Integer, Long> out = new java.util.TreeMap<>();
    for (int i = 0; i < REFUSED_STATUSES.size(); i++) {
      out.put(REFUSED_STATUSES.get(i), own[REFUSED + i]);
    }
    return out;
  }
}
