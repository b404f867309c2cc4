package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;

/**
 * {@code listen: {http: ":80", https: ":443", h2c: false, proxyProtocol: false}} and the address syntax other
 * sections share.
 */
final class ListenSection {
  private ListenSection() {}

  static ListenConfig read(ConfigReader r, Entry entry) {
    ListenConfig d = ListenConfig.DEFAULT;
    if (entry == null) {
      return d;
    }
    MapNode map = r.asMap(entry.value(), "listen");
    if (map == null) {
      return d;
    }
    r.checkKeys(map, "listen", "http", "https", "h2c", "proxyProtocol");
    Entry http = map.entries().get("http");
    ListenAddress plain = http == null ? null : address(r, http.value(), "listen.http");
    Entry https = map.entries().get("https");
    ListenAddress tls = https == null ? null : address(r, https.value(), "listen.https");
    if (plain != null && tls != null && plain.port() == tls.port() && plain.port() != 0
        && (plain.host().isEmpty() || tls.host().isEmpty() || plain.host().equals(tls.host()))) {
      r.error(https.value(), "listen.https: port " + tls.port() + " is already listen.http's");
    }
    return new ListenConfig(plain == null ? d.http() : plain, tls, r.flag(map, "h2c", "listen.h2c", false),
        r.flag(map, "proxyProtocol", "listen.proxyProtocol", false));
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
