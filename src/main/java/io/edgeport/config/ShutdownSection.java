package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;

/** {@code shutdown: {drain: 30s}}. */
final class ShutdownSection {
  private ShutdownSection() {}

  static ShutdownConfig read(ConfigReader r, Entry entry) {
    ShutdownConfig d = ShutdownConfig.DEFAULTS;
    MapNode map = entry == null ? null : r.asMap(entry.value(), "shutdown");
    if (map == null) {
      return d;
    }
    r.checkKeys(map, "shutdown", "drain");
    return new ShutdownConfig(r.duration(map, "drain", "shutdown.", d.drain()));
  }
}
