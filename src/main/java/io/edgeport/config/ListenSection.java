package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.ListNode;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.net.Cidr;
import java.util.List;

/**
 * {@code listen: {http: ":80", https: ":443", h2c: false, proxyProtocol: false, proxyProtocolFrom: [...]}} and the
 * address syntax other sections share.
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
    r.checkKeys(map, "listen", "http", "https", "h2c", "proxyProtocol", "proxyProtocolFrom");
    Entry http = map.entries().get("http");
    ListenAddress plain = http == null ? null : address(r, http.value(), "listen.http");
    Entry https = map.entries().get("https");
    ListenAddress tls = https == null ? null : address(r, https.value(), "listen.https");
    if (plain != null && tls != null && plain.port() == tls.port() && plain.port() != 0
        && (plain.host().isEmpty() || tls.host().isEmpty() || plain.host().equals(tls.host()))) {
      r.error(https.value(), "listen.https: port " + tls.port() + " is already listen.http's");
    }
    boolean proxyProtocol = r.flag(map, "proxyProtocol", "listen.proxyProtocol", false);
    return new ListenConfig(plain == null ? d.http() : plain, tls, r.flag(map, "h2c", "listen.h2c", false),
        proxyProtocol, proxyProtocolFrom(r, map, proxyProtocol));
  }

  /**
   * Required with {@code proxyProtocol}: a header names the client only when it comes from a balancer of the user's,
   * and there is no default that fits every network (a balancer on this host, in a private network, a cloud's
   * public ranges), while trusting everyone would let any client pick its address.
   */
  private static List<Cidr> proxyProtocolFrom(ConfigReader r, MapNode map, boolean proxyProtocol) {
    Entry from = map.entries().get("proxyProtocolFrom");
    List<Cidr> networks = r.cidrs(from, "listen.proxyProtocolFrom");
    if (proxyProtocol && from == null) {
      r.error(map, "listen.proxyProtocol needs listen.proxyProtocolFrom: the networks the balancers in front connect"
          + " from (like [\"10.0.0.0/8\"]); connections from elsewhere are closed");
    } else if (proxyProtocol && from.value() instanceof ListNode list && list.items().isEmpty()) {
      r.error(from.value(), "listen.proxyProtocolFrom is empty: every connection would be closed");
    } else if (!proxyProtocol && from != null) {
      r.warning(from.value(), "listen.proxyProtocolFrom is set but listen.proxyProtocol is not: no header is read");
    }
    return networks;
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
