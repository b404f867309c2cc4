package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;

/** {@code listen: {http: ":80"}} and the address syntax other sections share. */
final class ListenSection {
  private static final ListenAddress DEFAULT = new ListenAddress("", 80);

  private ListenSection() {}

  static ListenAddress read(ConfigReader r, Entry entry) {
    if (entry == null) {
      return DEFAULT;
    }
    MapNode map = r.asMap(entry.value(), "listen");
    if (map == null) {
      return DEFAULT;
    }
    r.checkKeys(map, "listen", "http");
    Entry http = map.entries().get("http");
    if (http == null) {
      return DEFAULT;
    }
    ListenAddress parsed = address(r, http.value(), "listen.http");
    return parsed == null ? DEFAULT : parsed;
  }

  /** {@code "[host]:port"} or a port number; null after an error. */
  static ListenAddress address(ConfigReader r, Node value, String what) {
    Scalar s = r.asScalar(value, what, JsonToken.VALUE_STRING, JsonToken.VALUE_NUMBER_INT);
    if (s == null) {
      return null;
    }
    ListenAddress parsed = ListenAddress.parse(s.text());
    if (parsed == null) {
      r.error(s, what + ": '" + s.text() + "' is not \"[host]:port\" or a port number (like \":80\" or \"127.0.0.1:8080\")");
    }
    return parsed;
  }
}
