package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.model.HealthCheck;
import java.time.Duration;

/** A domain's or path's {@code healthCheck}; keys it leaves out take the defaults, not the enclosing domain's. */
final class HealthCheckSection {
  private HealthCheckSection() {}

  static HealthCheck read(ConfigReader r, MapNode parent, HealthCheck fallback) {
    Entry e = parent.entries().get("healthCheck");
    if (e == null) {
      return fallback;
    }
    MapNode map = r.asMap(e.value(), "healthCheck");
    if (map == null) {
      return fallback;
    }
    r.checkKeys(map, "healthCheck", "path", "port", "interval", "timeout", "healthyThreshold", "unhealthyThreshold",
        "slowStart");
    HealthCheck d = HealthCheck.DEFAULT;
    String path = null;
    Entry pathEntry = map.entries().get("path");
    if (pathEntry != null) {
      Scalar s = r.asScalar(pathEntry.value(), "healthCheck.path", JsonToken.VALUE_STRING);
      if (s != null && (!s.text().startsWith("/") || s.text().contains(" "))) {
        r.error(s, "healthCheck.path: '" + s.text() + "' must start with '/'");
      } else if (s != null) {
        path = s.text();
      }
    }
    Entry portEntry = map.entries().get("port");
    Integer port = portEntry == null ? null : r.port(portEntry, "healthCheck.port");
    Duration interval = r.duration(map, "interval", "healthCheck.", d.interval());
    Duration timeout = r.duration(map, "timeout", "healthCheck.", d.timeout());
    if (timeout.compareTo(interval) > 0) {
      Entry t = map.entries().get("timeout");
      r.error(t != null ? t.value() : map, "healthCheck.timeout " + Durations.format(timeout)
          + " is longer than its interval " + Durations.format(interval));
    }
    return new HealthCheck(path, port, interval, timeout,
        r.count(map, "healthyThreshold", "healthCheck.", 1, 100, d.healthyThreshold()),
        r.count(map, "unhealthyThreshold", "healthCheck.", 1, 100, d.unhealthyThreshold()),
        r.duration(map, "slowStart", "healthCheck.", d.slowStart()));
  }
}
