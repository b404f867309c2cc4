package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;

/** {@code shutdown: {keepAccepting: 0s, drain: 30s}}. */
final class ShutdownSection {
  private ShutdownSection() {}

  static ShutdownConfig read(ConfigReader r, Entry entry) {
    ShutdownConfig d = ShutdownConfig.DEFAULTS;
    MapNode map = entry == null ? null : r.asMap(entry.value(), "shutdown");
    if (map == null) {
      return d;
    }
    r.checkKeys(map, "shutdown", "keepAccepting", "drain");
    return new ShutdownConfig(r.durationOrZero(map, "keepAccepting", "shutdown.", d.keepAccepting()),
        r.durationOrZero(map, "drain", "shutdown.", d.drain()));
  }
}
