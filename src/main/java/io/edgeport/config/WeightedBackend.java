package io.edgeport.config;

/** One backend of a rule that splits its traffic (Gateway API backendRefs): its share is weight / sum of weights. */
public record WeightedBackend(BackendRef ref, int weight) {}
