package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;

/**
 * {@code limits: {maxHeaderBytes, headerTimeout, bodyTimeout, maxRequestsPerConnection, maxConnections,
 * maxConnectionsPerIp, ipv6Prefix, minBodyRate, sendTimeout, retryBufferBytes, headBufferBytes, mirrorBodyBytes}}.
 */
final class LimitsSection {
  private LimitsSection() {}

  static LimitsConfig read(ConfigReader r, Entry entry) {
    LimitsConfig d = LimitsConfig.DEFAULTS;
    MapNode map = entry == null ? null : r.asMap(entry.value(), "limits");
    if (map == null) {
      return d;
    }
    r.checkKeys(map, "limits", "maxHeaderBytes", "headerTimeout", "bodyTimeout", "maxRequestsPerConnection",
        "maxConnections", "maxConnectionsPerIp", "ipv6Prefix",
        "minBodyRate", "sendTimeout", "retryBufferBytes", "headBufferBytes", "mirrorBodyBytes");
    return new LimitsConfig(
        r.size(map, "maxHeaderBytes", "limits.maxHeaderBytes", d.maxHeaderBytes(), 1024, 1024 * 1024),
        r.duration(map, "headerTimeout", "limits.", d.headerTimeout()),
        r.duration(map, "bodyTimeout", "limits.", d.bodyTimeout()),
        r.count(map, "maxRequestsPerConnection", "limits.", 1, 1_000_000, d.maxRequestsPerConnection()),
        r.count(map, "maxConnections", "limits.", 0, 10_000_000, d.maxConnections()),
        r.count(map, "maxConnectionsPerIp", "limits.", 0, 10_000_000, d.maxConnectionsPerIp()),
        r.count(map, "ipv6Prefix", "limits.", 1, 128, d.ipv6Prefix()),
        r.size(map, "minBodyRate", "limits.minBodyRate", d.minBodyRate(), 0, 1024L * 1024 * 1024),
        r.duration(map, "sendTimeout", "limits.", d.sendTimeout()),
        r.size(map, "retryBufferBytes", "limits.retryBufferBytes", d.retryBufferBytes(), 0, 1024L * 1024 * 1024),
        r.size(map, "headBufferBytes", "limits.headBufferBytes", d.headBufferBytes(), 64 * 1024, 1L << 40),
        r.size(map, "mirrorBodyBytes", "limits.mirrorBodyBytes", d.mirrorBodyBytes(), 0, 64L * 1024 * 1024));
  }
}
