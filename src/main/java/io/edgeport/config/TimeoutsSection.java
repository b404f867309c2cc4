package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;

/** {@code timeouts: {connect, response, idle, websocketIdle, tcpIdle}}. */
final class TimeoutsSection {
  private TimeoutsSection() {}

  static Timeouts read(ConfigReader r, Entry entry) {
    Timeouts d = Timeouts.DEFAULTS;
    MapNode map = entry == null ? null : r.asMap(entry.value(), "timeouts");
    if (map == null) {
      return d;
    }
    r.checkKeys(map, "timeouts", "connect", "response", "idle", "websocketIdle", "tcpIdle");
    return new Timeouts(
        r.duration(map, "connect", "timeouts.", d.connect()),
        r.duration(map, "response", "timeouts.", d.response()),
        r.duration(map, "idle", "timeouts.", d.idle()),
        r.duration(map, "websocketIdle", "timeouts.", d.websocketIdle()),
        r.duration(map, "tcpIdle", "timeouts.", d.tcpIdle()));
  }
}
