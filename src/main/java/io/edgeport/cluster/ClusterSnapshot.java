package io.edgeport.cluster;

import java.util.List;

/**
 * What a cluster source knows at one moment: the node addresses that may take traffic.
 * Immutable; sources publish a new one on every change.
 */
public record ClusterSnapshot(List<String> nodes) {
  public ClusterSnapshot {
    nodes = List.copyOf(nodes);
  }
}
