package io.edgeport.model;

/**
 * One backend of a rule that splits its traffic (Gateway API backendRefs): its share is weight / sum of weights.
 *
 * @param ref the backend, or null for a Gateway API backendRef that cannot be used (its share is answered 500)
 */
public record WeightedBackend(BackendRef ref, int weight) {}
