package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Scalar;

/** {@code accessLog: {format: combined | json, file: /var/log/edgeport/access.log}}; on when present, to stdout by default. */
final class AccessLogSection {
  private AccessLogSection() {}

  static AccessLogConfig read(ConfigReader r, Entry entry) {
    if (entry == null) {
      return null;
    }
    if (entry.value() instanceof Scalar s && s.isNull()) {
      return AccessLogConfig.STDOUT_COMBINED; // "accessLog:" alone
    }
    MapNode map = r.asMap(entry.value(), "accessLog");
    if (map == null) {
      return null;
    }
    r.checkKeys(map, "accessLog", "format", "file");
    AccessLogConfig.Format format = AccessLogConfig.Format.COMBINED;
    String f = r.optionalString(map, "format", "accessLog.format");
    if ("json".equals(f)) {
      format = AccessLogConfig.Format.JSON;
    } else if (f != null && !f.equals("combined")) {
      r.error(map.entries().get("format").value(), "accessLog.format: '" + f + "' is not combined or json");
    }
    String file = r.optionalString(map, "file", "accessLog.file");
    if (file != null && (file.isEmpty() || file.equals("stdout") || file.equals("-"))) {
      file = null;
    }
    return new AccessLogConfig(format, file);
  }
}
