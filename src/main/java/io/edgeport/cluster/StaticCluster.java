package io.edgeport.cluster;

import io.edgeport.config.EdgeportConfig;

/** The cluster as the config file's {@code nodes:} list describes it. */
public final class StaticCluster {
  private StaticCluster() {}

  public static ClusterSnapshot from(EdgeportConfig config) {
    return new ClusterSnapshot(config.nodes());
  }
}
