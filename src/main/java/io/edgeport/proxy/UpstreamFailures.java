package io.edgeport.proxy;

import io.edgeport.balance.Endpoint;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs failures of nodes with their cause, at most once per node per period with a count of what
 * was left out: a dead node under load must not turn into a log flood.
 */
final class UpstreamFailures {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.upstream");
  private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\x00-\\x1f\\x7f]");

  private record Slot(AtomicLong lastLogged, AtomicLong suppressed) {}

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  void connectFailed(Endpoint endpoint, Throwable cause, boolean retrying) {
    log(endpoint, retrying ? "connect failed (trying another node)" : "connect failed (no node left to try: 502)", cause);
  }

  void requestFailed(Endpoint endpoint, Throwable cause) {
    log(endpoint, "request failed", cause);
  }

  /** The request could not be built for the node (the client got a 502). */
  void requestUnsendable(Endpoint endpoint, Throwable cause) {
    log(endpoint, "request could not be sent (502)", cause);
  }

  void responseTimedOut(Endpoint endpoint) {
    log(endpoint, "no response within the response timeout", null);
  }

  private void log(Endpoint endpoint, String what, Throwable cause) {
    Slot slot = slots.computeIfAbsent(endpoint + " " + what, k -> new Slot(new AtomicLong(Long.MIN_VALUE), new AtomicLong()));
    long now = System.nanoTime();
    long last = slot.lastLogged().get();
    if (last != Long.MIN_VALUE && now - last < PERIOD_NANOS || !slot.lastLogged().compareAndSet(last, now)) {
      slot.suppressed().incrementAndGet();
      return;
    }
    long more = slot.suppressed().getAndSet(0);
    LOG.warn("node {}: {}: {}{}", endpoint, what, cause == null ? "timeout" : describe(cause),
        more > 0 ? " (+" + more + " more since last report)" : "");
  }

  /** The cause's class and message, control characters (a header value quoted in it, say) as '?'. */
  static String describe(Throwable cause) {
    String msg = cause.getMessage();
    return cause.getClass().getSimpleName() + (msg == null ? "" : ": " + CONTROL.matcher(msg).replaceAll("?"));
  }
}
