package io.edgeport.model;

/**
 * One backend of a rule that splits its traffic (Gateway API backendRefs): its share is weight / sum of weights.
 *
 * @param ref     the backend, or null for a Gateway API backendRef that cannot be used (its share is answered 500)
 * @param filters the backendRef's own filters (header edits only), applied after the rule's; null: none
 */
public record WeightedBackend(BackendRef ref, int weight, RouteFilters filters) {
  public WeightedBackend(BackendRef ref, int weight) {
    this(ref, weight, null);
  }
}
