package io.edgeport.translate.gatewayapi;

import io.edgeport.model.RetryPolicy;
import io.edgeport.model.RouteTimeouts;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** An HTTPRoute rule's {@code timeouts} (GEP-1742) and {@code retry} (GEP-1731). */
final class RuleTimeouts {
  private RuleTimeouts() {}

  /**
   * Both durations as given ({@code 0s}: none, kept as zero: the rule has timeouts, so edgeport's
   * {@code timeouts.response} does not hold it either); null when neither is given.
   *
   * @throws Unsupported for a duration that is not one, or a backendRequest longer than the request (both non-zero)
   */
  static RouteTimeouts timeouts(HTTPRouteTimeouts t, String field) {
    if (t == null || t.getRequest() == null && t.getBackendRequest() == null) {
      return null;
    }
    Duration request = GatewayDurations.parse(t.getRequest(), field + ".request");
    Duration backend = GatewayDurations.parse(t.getBackendRequest(), field + ".backendRequest");
    if (RouteTimeouts.nanos(request) > 0 && RouteTimeouts.nanos(backend) > RouteTimeouts.nanos(request)) {
      throw new Unsupported(field + ".backendRequest " + t.getBackendRequest() + " is longer than " + field
          + ".request " + t.getRequest());
    }
    return new RouteTimeouts(request, backend);
  }

  /**
   * The retry of each backend of the rule: {@code attempts} retries after the first try (absent: the default's
   * tries), on a failed connection or reset, on a try's backendRequest timeout where the rule has one, and on the
   * response codes given; tries go round the nodes again when there are fewer nodes than tries. The default's
   * retry budget still caps them. Without {@code retry}: {@link RetryPolicy#DEFAULT}.
   *
   * @throws Unsupported for attempts beyond 0 to {@value #MAX_RETRIES}, a code that is not 400 to 599, or a backoff
   *     that is not a duration
   */
  /** Retries of one request at most: more only multiplies a failing backend's load (the budget bounds the rest). */
  static final int MAX_RETRIES = 10;

  static RetryPolicy retry(HTTPRouteRetry r, RouteTimeouts timeouts, String field) {
    RetryPolicy d = RetryPolicy.DEFAULT;
    if (r == null) {
      return d;
    }
    if (r.getAttempts() != null && (r.getAttempts() < 0 || r.getAttempts() > MAX_RETRIES)) {
      throw new Unsupported(field + ".attempts " + r.getAttempts() + " is not 0 to " + MAX_RETRIES);
    }
    int tries = r.getAttempts() == null ? d.attempts() : r.getAttempts() + 1;
    Set<RetryPolicy.On> on = EnumSet.of(RetryPolicy.On.CONNECT_FAILURE, RetryPolicy.On.RESET);
    if (timeouts != null && RouteTimeouts.nanos(timeouts.backendRequest()) > 0) {
      on.add(RetryPolicy.On.TIMEOUT);
    }
    Set<Integer> codes = new LinkedHashSet<>();
    for (Integer code : Objects.requireNonNullElse(r.getCodes(), List.<Integer>of())) {
      if (code == null || code < 400 || code > 599) {
        throw new Unsupported(field + ".codes: " + code + " is not an HTTP status of 400 to 599");
      }
      codes.add(code);
    }
    Duration backoff = GatewayDurations.parseOrNone(r.getBackoff(), field + ".backoff");
    return new RetryPolicy(tries, on, d.maxBodyBytes(), d.budgetPercent(), d.budgetMinPerSecond(), codes, backoff,
        true);
  }
}
