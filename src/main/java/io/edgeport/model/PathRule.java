package io.edgeport.model;

import java.util.List;

/**
 * One path of a domain, with Ingress semantics; Gateway API rules add request conditions, weighted
 * backends and filters.
 *
 * @param path for {@link PathMatch#PREFIX} a path prefix matched element-wise ({@code /api} matches
 *     {@code /api} and {@code /api/x}, not {@code /apix}); for {@link PathMatch#EXACT} the whole path
 * @param backends   where its requests go, by weight; config-file and Ingress rules have exactly one; empty for a
 *                   rule that only redirects (or, without a redirect, answers 500 as Gateway API asks)
 * @param conditions what the request must carry besides the path
 * @param filters    what changes on the way
 * @param timeouts   Gateway API's timeouts for its requests, or null: {@code timeouts.response}
 * @param session    how a client stays on one node, or null: it does not
 */
public record PathRule(PathMatch match, String path, List<WeightedBackend> backends, RequestConditions conditions,
    RouteFilters filters, RouteTimeouts timeouts, SessionPersistence session) {

  /**
   * {@code GRPC_METHOD}: a gRPC method of any service, {@code path} being {@code /METHOD}: the request path is
   * {@code /SERVICE/METHOD} for some non-empty SERVICE without a slash (GRPCRoute's method-only match).
   */
  public enum PathMatch { PREFIX, EXACT, GRPC_METHOD }

  public PathRule {
    backends = List.copyOf(backends);
  }

  public PathRule(PathMatch match, String path, List<WeightedBackend> backends, RequestConditions conditions,
      RouteFilters filters) {
    this(match, path, backends, conditions, filters, null, null);
  }

  public PathRule(PathMatch match, String path, BackendRef backend) {
    this(match, path, List.of(new WeightedBackend(backend, 1)), RequestConditions.NONE, RouteFilters.NONE);
  }

  /** The rule a domain with a plain {@code nodePort} gets: everything. */
  public static PathRule everything(BackendRef backend) {
    return new PathRule(PathMatch.PREFIX, "/", backend);
  }

  /** The backend of a rule with one (every config-file and Ingress rule). */
  public BackendRef backend() {
    if (backends.size() != 1) {
      throw new IllegalStateException("a rule with " + backends.size() + " backends");
    }
    return backends.get(0).ref();
  }

  /** Every backend it sends to, in order: its usable backends' refs, then its mirrors'. */
  public List<BackendRef> backendRefs() {
    return java.util.stream.Stream.concat(backends.stream().map(WeightedBackend::ref),
        filters.mirrors().stream().map(RouteFilters.Mirror::backend)).filter(java.util.Objects::nonNull).toList();
  }
}
