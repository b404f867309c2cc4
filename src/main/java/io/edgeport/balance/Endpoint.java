package io.edgeport.balance;

import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One node's nodePort: where a backend's requests go. An instance lives as long as its node and
 * port stay in the cluster, across generations, so its counters keep meaning.
 */
public final class Endpoint {
  private final String host;
  private final int port;
  private final SocketAddress address;
  private final String label;
  private final long hash;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final FailureListener failures;
  /** System.nanoTime() when it (re)entered service with a slow start, or 0: no ramp. */
  private volatile long rampStart;

  /** Told when live traffic to an endpoint fails (passive health checking). */
  @FunctionalInterface
  public interface FailureListener {
    FailureListener NONE = (endpoint, detail) -> { };

    /** Called on any event loop; must return quickly. */
    void failed(Endpoint endpoint, String detail);
  }

  public Endpoint(String host, int port) {
    this(host, port, FailureListener.NONE);
  }

  public Endpoint(String host, int port, FailureListener failures) {
    this.failures = failures;
    this.host = host;
    this.port = port;
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.label = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    this.hash = Hashing.hash64(label);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public SocketAddress address() {
    return address;
  }

  /** Stable identity for consistent hashing. */
  long hash() {
    return hash;
  }

  /** Requests being served by this endpoint now (for least-request). */
  public int inFlight() {
    return inFlight.get();
  }

  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  public void requestEnded() {
    inFlight.decrementAndGet();
  }

  /** It (re)enters service now: its share ramps up if its backend has a slow start. */
  public void startRamp(long nanoTime) {
    rampStart = nanoTime == 0 ? 1 : nanoTime;
  }

  /** Its share of requests during a slow start of {@code rampNanos}: 10 % rising linearly to 1. */
  public double rampWeight(long now, long rampNanos) {
    long start = rampStart;
    if (start == 0) {
      return 1;
    }
    long elapsed = now - start;
    if (elapsed >= rampNanos) {
      rampStart = 0; // ramp done: later picks skip the arithmetic
      return 1;
    }
    return Math.max(0.1, (double) elapsed / rampNanos);
  }

  /** A connect failure or response timeout on live traffic. */
  public void reportFailure(String detail) {
    failures.failed(this, detail);
  }

  @Override
  public String toString() {
    return label;
  }
}
