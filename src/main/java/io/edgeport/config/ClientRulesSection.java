package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.model.ClientRules;
import java.time.Duration;

/** A domain's {@code allow}, {@code deny}, {@code rateLimit} and {@code maxBodyBytes}: who may use it, how much. */
final class ClientRulesSection {
  private ClientRulesSection() {}

  static ClientRules read(ConfigReader r, MapNode domain) {
    return new ClientRules(r.cidrs(domain.entries().get("allow"), "allow"), r.cidrs(domain.entries().get("deny"), "deny"),
        rateLimit(r, domain), r.size(domain, "maxBodyBytes", "maxBodyBytes", 0, 1, Long.MAX_VALUE / 2));
  }

  /** {@code rateLimit: {requests: 100, per: 1s, burst: 200, by: client-ip}}, or null. */
  private static ClientRules.RateLimit rateLimit(ConfigReader r, MapNode domain) {
    Entry e = domain.entries().get("rateLimit");
    MapNode map = e == null ? null : r.asMap(e.value(), "rateLimit");
    if (map == null) {
      return null;
    }
    r.checkKeys(map, "rateLimit", "requests", "per", "burst", "by");
    if (!map.entries().containsKey("requests")) {
      r.error(map, "rateLimit needs 'requests' (how many per 'per')");
      return null;
    }
    int requests = r.count(map, "requests", "rateLimit.", 1, 1_000_000_000, 1);
    String by = r.optionalString(map, "by", "rateLimit.by");
    if (by != null && !by.equals("client-ip")) {
      r.error(map.entries().get("by").value(), "rateLimit.by: '" + by + "' is not client-ip");
    }
    return new ClientRules.RateLimit(requests, r.duration(map, "per", "rateLimit.", Duration.ofSeconds(1)),
        r.count(map, "burst", "rateLimit.", 1, 1_000_000_000, requests));
  }
}
