package io.edgeport.config;

import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.ListNode;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.model.BackendRef;
import io.edgeport.model.ClientRules;
import io.edgeport.model.Domain;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.HttpsPolicy;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.ServiceRef;
import io.edgeport.net.HostNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML domains translator: the config file's {@code domains:} → {@link Domain}s of the routing model (hosts,
 * their paths, and each path's backend: a nodePort or a Service), every problem reported at its line.
 */
final class DomainsSection {
  static final int NODE_PORT_MIN = 30000;
  static final int NODE_PORT_MAX = 32767;

  /** The backend of a domain or path: a {@code nodePort}, or a {@code service} (with its {@code port}). */
  private record Target(int nodePort, ServiceRef service) {}

  private final ConfigReader r;
  /** Where domains name a Service: an error without a {@code kubernetes} section. */
  final List<Scalar> serviceUses = new ArrayList<>();
  /** The hosts that said {@code acme: false}, with where they said it. */
  final Map<String, Node> acmeOptedOut = new LinkedHashMap<>();

  DomainsSection(ConfigReader r) {
    this.r = r;
  }

  /** @param optional the cluster supplies domains (Ingresses, Gateway API routes): the file may name none */
  List<Domain> read(MapNode root, Entry entry, boolean optional) {
    if (entry == null) {
      if (!optional) {
        r.error(root, "'domains' is missing: map at least one host to a nodePort");
      }
      return List.of();
    }
    ListNode list = r.asList(entry.value(), "domains");
    if (list == null) {
      return List.of();
    }
    if (list.items().isEmpty() && !optional) {
      r.error(list, "domains: the list is empty; map at least one host to a nodePort");
    }
    List<Domain> out = new ArrayList<>();
    Map<String, Scalar> seen = new HashMap<>();
    for (Node item : list.items()) {
      Domain d = domain(item, seen);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private Domain domain(Node item, Map<String, Scalar> seen) {
    MapNode map = r.asMap(item, "a domain");
    if (map == null) {
      return null;
    }
    r.checkKeys(map, "a domain", "host", "nodePort", "service", "port", "loadBalancing", "healthCheck", "retry",
        "paths", "redirectHttps", "hsts", "protocol", "allow", "deny", "rateLimit", "maxBodyBytes",
        "backendProxyProtocol", "acme");
    Entry hostEntry = map.entries().get("host");
    if (hostEntry == null) {
      r.error(map, "domain without 'host'");
      return null;
    }
    Scalar hostNode = r.asScalar(hostEntry.value(), "host", JsonToken.VALUE_STRING);
    if (hostNode == null) {
      return null;
    }
    String where = "domain '" + hostNode.text() + "'";
    String hostError = HostNames.configHostError(hostNode.text().trim());
    if (hostError != null) {
      r.error(hostNode, "host: " + hostError);
      return null;
    }
    String host = HostNames.canonical(hostNode.text().trim());
    Scalar first = seen.putIfAbsent(host, hostNode);
    if (first != null) {
      r.error(hostNode, "host '" + host + "' is already configured at line " + first.line());
    }
    String origin = r.fileName + ":" + map.line();
    if (!r.flag(map, "acme", where + " acme", true)) {
      acmeOptedOut.put(host, map.entries().get("acme").value());
    }
    HttpsPolicy https = new HttpsPolicy(r.flag(map, "redirectHttps", where + " redirectHttps", false),
        map.entries().containsKey("hsts") ? r.duration(map, "hsts", "", null) : null);
    ClientRules clients = ClientRulesSection.read(r, map);
    LoadBalancing lb = loadBalancing(map, LoadBalancing.ROUND_ROBIN);
    HealthCheck check = HealthCheckSection.read(r, map, HealthCheck.DEFAULT);
    RetryPolicy retry = RetrySection.read(r, map, RetryPolicy.DEFAULT);
    boolean h2c = h2c(map, false);
    int proxyProtocol = proxyProtocol(map, 0);
    Entry paths = map.entries().get("paths");
    if (hasTarget(map) && paths != null) {
      r.error(paths.line(), paths.column(), where + " has both a backend ('nodePort' or 'service') and 'paths';"
          + " put the default in a path with 'prefix: /'");
      return null;
    }
    if (!hasTarget(map) && paths == null) {
      r.error(map, where + " has no backend: set 'nodePort', 'service' or 'paths'");
      return null;
    }
    if (paths == null) {
      Target t = target(map, where);
      return t == null ? null : new Domain(host,
          List.of(PathRule.everything(new BackendRef(t.nodePort(), t.service(), lb, check, retry, h2c, proxyProtocol))), origin, https, clients);
    }
    List<PathRule> rules = paths(paths, lb, check, retry, h2c, proxyProtocol, where);
    return rules.isEmpty() ? null : new Domain(host, rules, origin, https, clients);
  }

  /** {@code backendProxyProtocol: v1 | v2}: 1 or 2, or {@code fallback} when absent. */
  private int proxyProtocol(MapNode map, int fallback) {
    String v = r.optionalString(map, "backendProxyProtocol", "backendProxyProtocol");
    if (v == null) {
      return fallback;
    }
    if (!v.equals("v1") && !v.equals("v2")) {
      r.error(map.entries().get("backendProxyProtocol").value(), "backendProxyProtocol: '" + v + "' is not v1 or v2");
      return fallback;
    }
    return v.equals("v1") ? 1 : 2;
  }

  /** {@code protocol: http1 | h2c}: how the nodes are spoken to. */
  private boolean h2c(MapNode map, boolean fallback) {
    String protocol = r.optionalString(map, "protocol", "protocol");
    if (protocol == null) {
      return fallback;
    }
    if (!protocol.equals("http1") && !protocol.equals("h2c")) {
      r.error(map.entries().get("protocol").value(), "protocol: '" + protocol + "' is not http1 or h2c (cleartext"
          + " HTTP/2, for gRPC)");
    }
    return protocol.equals("h2c");
  }

  private List<PathRule> paths(Entry entry, LoadBalancing domainLb, HealthCheck domainCheck,
      RetryPolicy domainRetry, boolean domainH2c, int domainProxyProtocol, String where) {
    ListNode list = r.asList(entry.value(), where + " paths");
    List<PathRule> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    if (list.items().isEmpty()) {
      r.error(list, where + " has an empty 'paths' list: it has no backend");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (Node item : list.items()) {
      MapNode map = r.asMap(item, "a path");
      if (map == null) {
        continue;
      }
      r.checkKeys(map, "a path", "prefix", "exact", "nodePort", "service", "port", "loadBalancing", "healthCheck",
          "retry", "protocol", "backendProxyProtocol");
      Entry prefix = map.entries().get("prefix");
      Entry exact = map.entries().get("exact");
      if ((prefix == null) == (exact == null)) {
        r.error(map, "a path needs exactly one of 'prefix' or 'exact'");
        continue;
      }
      PathMatch kind = prefix != null ? PathMatch.PREFIX : PathMatch.EXACT;
      Entry pathEntry = prefix != null ? prefix : exact;
      Scalar p = r.asScalar(pathEntry.value(), pathEntry.key(), JsonToken.VALUE_STRING);
      if (!hasTarget(map)) {
        r.error(map, "path without a backend: set 'nodePort' or 'service'");
        continue;
      }
      Target target = target(map, "a path");
      LoadBalancing lb = loadBalancing(map, domainLb);
      HealthCheck check = HealthCheckSection.read(r, map, domainCheck);
      RetryPolicy retry = RetrySection.read(r, map, domainRetry);
      boolean h2c = h2c(map, domainH2c);
      int proxyProtocol = proxyProtocol(map, domainProxyProtocol);
      if (p == null || target == null) {
        continue;
      }
      String path = p.text().trim();
      if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains(" ")) {
        r.error(p, pathEntry.key() + ": '" + p.text() + "' must be a path starting with '/' (no query)");
        continue;
      }
      if (kind == PathMatch.PREFIX && path.length() > 1 && path.endsWith("/")) {
        path = path.substring(0, path.length() - 1); // Ingress: "/api/" and "/api" are the same prefix
      }
      Integer firstLine = seen.putIfAbsent(kind + path, p.line());
      if (firstLine != null) {
        r.error(p, pathEntry.key() + " '" + path + "' is already routed at line " + firstLine);
        continue;
      }
      out.add(new PathRule(kind, path, new BackendRef(target.nodePort(), target.service(), lb, check, retry, h2c,
          proxyProtocol)));
    }
    return out;
  }

  private static boolean hasTarget(MapNode map) {
    return map.entries().containsKey("nodePort") || map.entries().containsKey("service");
  }

  private Target target(MapNode map, String where) {
    Entry nodePort = map.entries().get("nodePort");
    Entry service = map.entries().get("service");
    Entry port = map.entries().get("port");
    if (nodePort != null && service != null) {
      r.error(service.line(), service.column(), where + " has both 'nodePort' and 'service'; choose one");
      return null;
    }
    if (port != null && service == null) {
      r.error(port.line(), port.column(), "'port' names a Service port and goes with 'service'");
      return null;
    }
    if (nodePort != null) {
      Integer p = nodePort(nodePort);
      return p == null ? null : new Target(p, null);
    }
    Scalar s = r.asScalar(service.value(), "service", JsonToken.VALUE_STRING);
    if (s == null) {
      return null;
    }
    String[] parts = s.text().trim().split("/", -1);
    if (parts.length != 2 || !parts[0].matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        || !parts[1].matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      r.error(s, "service: '" + s.text() + "' is not namespace/name (like default/api-service)");
      return null;
    }
    String portName = null;
    if (port != null) {
      Scalar ps = r.asScalar(port.value(), "port", JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_STRING);
      if (ps == null) {
        return null;
      }
      portName = ps.text().trim();
    }
    serviceUses.add(s);
    return new Target(0, new ServiceRef(parts[0], parts[1], portName));
  }

  private Integer nodePort(Entry e) {
    Integer port = r.port(e, "nodePort");
    if (port != null && (port < NODE_PORT_MIN || port > NODE_PORT_MAX)) {
      r.warning(e.value(), "nodePort " + port + " is outside Kubernetes' default NodePort range " + NODE_PORT_MIN
          + "-" + NODE_PORT_MAX + " (fine if your cluster widened it)");
    }
    return port;
  }

  private LoadBalancing loadBalancing(MapNode map, LoadBalancing fallback) {
    Entry e = map.entries().get("loadBalancing");
    if (e == null) {
      return fallback;
    }
    Scalar s = r.asScalar(e.value(), "loadBalancing", JsonToken.VALUE_STRING);
    if (s == null) {
      return fallback;
    }
    LoadBalancing lb = LoadBalancing.fromConfigName(s.text().trim());
    if (lb == null) {
      r.error(s, "loadBalancing: '" + s.text() + "' is not one of " + LoadBalancing.choices());
      return fallback;
    }
    return lb;
  }
}
