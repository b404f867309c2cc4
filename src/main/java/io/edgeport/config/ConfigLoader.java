package io.edgeport.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.edgeport.config.PathRule.PathMatch;
import io.edgeport.config.Problem.Severity;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.ListNode;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.routing.HostNames;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * YAML file → validated {@link EdgeportConfig}. Strict: unknown keys, wrong types and bad values
 * are all collected (not just the first) and reported as {@code FILE:LINE:COL: message}.
 */
public final class ConfigLoader {

  /** A usable config and the warnings found on the way. */
  public record Loaded(EdgeportConfig config, List<Problem> warnings) {}

  static final int NODE_PORT_MIN = 30000;
  static final int NODE_PORT_MAX = 32767;

  private final List<Problem> problems = new ArrayList<>();
  /** Where domains name a Service: an error without a {@code kubernetes} section. */
  private final List<Scalar> serviceUses = new ArrayList<>();

  private ConfigLoader() {}

  public static Loaded load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(),
          List.of(new Problem(Severity.ERROR, 0, 0, "cannot read: " + describe(e))));
    }
    return parse(file.toString(), text);
  }

  public static Loaded parse(String fileName, String yaml) throws ConfigException {
    return new ConfigLoader().run(fileName, new StringReader(yaml));
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
  }

  private Loaded run(String fileName, Reader in) throws ConfigException {
    Node root;
    try {
      root = YamlTree.parse(in, problems);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ConfigException(fileName, List.of(new Problem(Severity.ERROR,
          at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "YAML syntax: " + e.getOriginalMessage().strip().replaceAll("\\s*\n\\s*", " "))));
    } catch (IOException e) {
      throw new ConfigException(fileName, List.of(new Problem(Severity.ERROR, 0, 0, "cannot read: " + e)));
    }
    EdgeportConfig config = root == null ? null : readRoot(root);
    if (root == null) {
      error(1, 1, "the file is empty; it needs at least 'nodes' and 'domains'");
    }
    if (config == null || problems.stream().anyMatch(Problem::isError)) {
      throw new ConfigException(fileName, problems);
    }
    return new Loaded(config, List.copyOf(problems));
  }

  // ------------------------------------------------------------------ sections

  private EdgeportConfig readRoot(Node root) {
    MapNode map = asMap(root, "the config");
    if (map == null) {
      return null;
    }
    checkKeys(map, "the config", "listen", "timeouts", "trustedProxies", "kubernetes", "nodes", "domains");
    ListenAddress listen = readListen(map.entries().get("listen"));
    Timeouts timeouts = readTimeouts(map.entries().get("timeouts"));
    List<Cidr> trusted = readTrustedProxies(map.entries().get("trustedProxies"));
    Entry kubeEntry = map.entries().get("kubernetes");
    KubernetesConfig kubernetes = kubeEntry == null ? null : readKubernetes(kubeEntry);
    List<String> nodes = List.of();
    Entry nodesEntry = map.entries().get("nodes");
    if (kubeEntry != null && nodesEntry != null) {
      error(nodesEntry.line(), nodesEntry.column(), "'nodes' and 'kubernetes' exclude each other: with 'kubernetes'"
          + " the nodes come from the API; remove 'nodes'");
    } else if (kubeEntry == null) {
      nodes = readNodes(map, nodesEntry);
    }
    List<DomainConfig> domains = readDomains(map, map.entries().get("domains"));
    if (kubeEntry == null) {
      serviceUses.forEach(s -> error(s, "service '" + s.text() + "' needs a 'kubernetes' section"));
    }
    return new EdgeportConfig(listen, timeouts, trusted, nodes, domains, kubernetes);
  }

  private KubernetesConfig readKubernetes(Entry entry) {
    MapNode map = asMap(entry.value(), "kubernetes");
    if (map == null) {
      return null;
    }
    checkKeys(map, "kubernetes", "kubeconfig", "context", "nodeAddressType", "nodeSelector", "ingressClass",
        "publishAddress", "nodeHealth", "kubeProxyHealthPort");
    List<String> addressTypes = new ArrayList<>();
    Entry types = map.entries().get("nodeAddressType");
    if (types == null) {
      addressTypes.add("InternalIP");
    } else {
      List<Scalar> items = types.value() instanceof ListNode ? stringList(types, "kubernetes.nodeAddressType")
          : java.util.Optional.ofNullable(asScalar(types.value(), "kubernetes.nodeAddressType", JsonToken.VALUE_STRING))
              .map(List::of).orElse(List.of());
      for (Scalar t : items) {
        if (!t.text().equals("InternalIP") && !t.text().equals("ExternalIP")) {
          error(t, "kubernetes.nodeAddressType: '" + t.text() + "' is not InternalIP or ExternalIP");
        } else {
          addressTypes.add(t.text());
        }
      }
    }
    Map<String, String> selector = new java.util.LinkedHashMap<>();
    Entry sel = map.entries().get("nodeSelector");
    if (sel != null) {
      MapNode labels = asMap(sel.value(), "kubernetes.nodeSelector");
      if (labels != null) {
        for (Entry label : labels.entries().values()) {
          Scalar v = asScalar(label.value(), "kubernetes.nodeSelector." + label.key(), JsonToken.VALUE_STRING,
              JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_TRUE, JsonToken.VALUE_FALSE);
          if (v != null) {
            selector.put(label.key(), v.text());
          }
        }
      }
    }
    KubernetesConfig.NodeHealth nodeHealth = KubernetesConfig.NodeHealth.KUBE_PROXY;
    String mode = optionalString(map, "nodeHealth");
    if ("backend".equals(mode)) {
      nodeHealth = KubernetesConfig.NodeHealth.BACKEND;
    } else if (mode != null && !mode.equals("kube-proxy")) {
      error(map.entries().get("nodeHealth").value(), "kubernetes.nodeHealth: '" + mode + "' is not kube-proxy or backend");
    }
    Entry proxyPort = map.entries().get("kubeProxyHealthPort");
    Integer kubeProxyPort = proxyPort == null ? null : readPort(proxyPort, "kubernetes.kubeProxyHealthPort");
    return new KubernetesConfig(optionalString(map, "kubeconfig"), optionalString(map, "context"), addressTypes,
        selector, optionalString(map, "ingressClass"), optionalString(map, "publishAddress"), nodeHealth,
        kubeProxyPort == null ? KubernetesConfig.KUBE_PROXY_HEALTH_PORT : kubeProxyPort);
  }

  private String optionalString(MapNode map, String key) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return null;
    }
    Scalar s = asScalar(e.value(), key, JsonToken.VALUE_STRING);
    return s == null ? null : s.text().trim();
  }

  /** The backend of a domain or path: a {@code nodePort}, or a {@code service} (with its {@code port}). */
  private record Target(int nodePort, ServiceRef service) {}

  private static boolean hasTarget(MapNode map) {
    return map.entries().containsKey("nodePort") || map.entries().containsKey("service");
  }

  private Target readTarget(MapNode map, String where) {
    Entry nodePort = map.entries().get("nodePort");
    Entry service = map.entries().get("service");
    Entry port = map.entries().get("port");
    if (nodePort != null && service != null) {
      error(service.line(), service.column(), where + " has both 'nodePort' and 'service'; choose one");
      return null;
    }
    if (port != null && service == null) {
      error(port.line(), port.column(), "'port' names a Service port and goes with 'service'");
      return null;
    }
    if (nodePort != null) {
      Integer p = readNodePort(nodePort);
      return p == null ? null : new Target(p, null);
    }
    Scalar s = asScalar(service.value(), "service", JsonToken.VALUE_STRING);
    if (s == null) {
      return null;
    }
    String[] parts = s.text().trim().split("/", -1);
    if (parts.length != 2 || !parts[0].matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        || !parts[1].matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      error(s, "service: '" + s.text() + "' is not namespace/name (like default/api-service)");
      return null;
    }
    String portName = null;
    if (port != null) {
      Scalar ps = asScalar(port.value(), "port", JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_STRING);
      if (ps == null) {
        return null;
      }
      portName = ps.text().trim();
    }
    serviceUses.add(s);
    return new Target(0, new ServiceRef(parts[0], parts[1], portName));
  }

  private ListenAddress readListen(Entry entry) {
    ListenAddress fallback = new ListenAddress("", 80);
    if (entry == null) {
      return fallback;
    }
    MapNode map = asMap(entry.value(), "listen");
    if (map == null) {
      return fallback;
    }
    checkKeys(map, "listen", "http");
    Entry http = map.entries().get("http");
    if (http == null) {
      return fallback;
    }
    Scalar s = asScalar(http.value(), "listen.http", JsonToken.VALUE_STRING, JsonToken.VALUE_NUMBER_INT);
    if (s == null) {
      return fallback;
    }
    ListenAddress parsed = parseListen(s.text());
    if (parsed == null) {
      error(s, "listen.http: '" + s.text() + "' is not \"[host]:port\" or a port number (like \":80\" or \"127.0.0.1:8080\")");
      return fallback;
    }
    return parsed;
  }

  static ListenAddress parseListen(String text) {
    String t = text.trim();
    String host = "";
    String port = t;
    int colon = t.lastIndexOf(':');
    if (colon >= 0) {
      host = t.substring(0, colon);
      port = t.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (!host.isEmpty() && Cidr.IpLiterals.parse(host) == null && !host.equals("localhost")) {
        return null;
      }
    }
    if (!port.matches("\\d{1,5}")) {
      return null;
    }
    int p = Integer.parseInt(port);
    return p > 65535 ? null : new ListenAddress(host, p);
  }

  private Timeouts readTimeouts(Entry entry) {
    Timeouts d = Timeouts.DEFAULTS;
    if (entry == null) {
      return d;
    }
    MapNode map = asMap(entry.value(), "timeouts");
    if (map == null) {
      return d;
    }
    checkKeys(map, "timeouts", "connect", "response", "idle");
    return new Timeouts(
        readDuration(map, "connect", "timeouts.", d.connect()),
        readDuration(map, "response", "timeouts.", d.response()),
        readDuration(map, "idle", "timeouts.", d.idle()));
  }

  private Duration readDuration(MapNode map, String key, String prefix, Duration fallback) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return fallback;
    }
    Scalar s = asScalar(e.value(), prefix + key, JsonToken.VALUE_STRING);
    if (s == null) {
      return fallback;
    }
    Duration d = Durations.parse(s.text());
    if (d == null || d.isZero()) {
      error(s, prefix + key + ": '" + s.text() + "' is not a positive duration (like 500ms, 2s, 1m)");
      return fallback;
    }
    return d;
  }

  private List<Cidr> readTrustedProxies(Entry entry) {
    List<Cidr> out = new ArrayList<>();
    for (Scalar s : stringList(entry, "trustedProxies")) {
      try {
        out.add(Cidr.parse(s.text()));
      } catch (IllegalArgumentException e) {
        error(s, "trustedProxies: " + e.getMessage());
      }
    }
    return out;
  }

  private List<String> readNodes(MapNode root, Entry entry) {
    if (entry == null) {
      error(root, "'nodes' is missing: list the cluster's node addresses");
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    List<Scalar> items = stringList(entry, "nodes");
    for (Scalar s : items) {
      String n = s.text().trim();
      boolean ip = Cidr.IpLiterals.parse(n) != null;
      if (!ip && HostNames.configHostError(n) != null || n.startsWith("*")) {
        error(s, "nodes: '" + s.text() + "' is not an IP address or host name");
      } else if (!out.add(ip ? n : HostNames.canonical(n))) {
        error(s, "nodes: '" + s.text() + "' is listed twice");
      }
    }
    if (items.isEmpty() && entry.value() instanceof ListNode) {
      error(entry.value(), "nodes: the list is empty; at least one node address is required");
    }
    return List.copyOf(out);
  }

  private List<DomainConfig> readDomains(MapNode root, Entry entry) {
    if (entry == null) {
      error(root, "'domains' is missing: map at least one host to a nodePort");
      return List.of();
    }
    ListNode list = asList(entry.value(), "domains");
    if (list == null) {
      return List.of();
    }
    if (list.items().isEmpty()) {
      error(list, "domains: the list is empty; map at least one host to a nodePort");
    }
    List<DomainConfig> out = new ArrayList<>();
    Map<String, Scalar> seen = new HashMap<>();
    for (Node item : list.items()) {
      DomainConfig d = readDomain(item, seen);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private DomainConfig readDomain(Node item, Map<String, Scalar> seen) {
    MapNode map = asMap(item, "a domain");
    if (map == null) {
      return null;
    }
    checkKeys(map, "a domain", "host", "nodePort", "service", "port", "loadBalancing", "healthCheck", "paths");
    Entry hostEntry = map.entries().get("host");
    if (hostEntry == null) {
      error(map, "domain without 'host'");
      return null;
    }
    Scalar hostNode = asScalar(hostEntry.value(), "host", JsonToken.VALUE_STRING);
    if (hostNode == null) {
      return null;
    }
    String where = "domain '" + hostNode.text() + "'";
    String hostError = HostNames.configHostError(hostNode.text().trim());
    if (hostError != null) {
      error(hostNode, "host: " + hostError);
      return null;
    }
    String host = HostNames.canonical(hostNode.text().trim());
    Scalar first = seen.putIfAbsent(host, hostNode);
    if (first != null) {
      error(hostNode, "host '" + host + "' is already configured at line " + first.line());
    }
    LoadBalancing lb = readLoadBalancing(map, LoadBalancing.ROUND_ROBIN);
    HealthCheckConfig check = readHealthCheck(map, HealthCheckConfig.DEFAULT);
    Entry paths = map.entries().get("paths");
    if (hasTarget(map) && paths != null) {
      error(paths.line(), paths.column(), where + " has both a backend ('nodePort' or 'service') and 'paths';"
          + " put the default in a path with 'prefix: /'");
      return null;
    }
    if (!hasTarget(map) && paths == null) {
      error(map, where + " has no backend: set 'nodePort', 'service' or 'paths'");
      return null;
    }
    if (paths == null) {
      Target t = readTarget(map, where);
      return t == null ? null
          : new DomainConfig(host, List.of(PathRule.everything(new BackendRef(t.nodePort(), t.service(), lb, check))));
    }
    List<PathRule> rules = readPaths(paths, lb, check, where);
    return rules.isEmpty() ? null : new DomainConfig(host, rules);
  }

  private List<PathRule> readPaths(Entry entry, LoadBalancing domainLb, HealthCheckConfig domainCheck, String where) {
    ListNode list = asList(entry.value(), where + " paths");
    List<PathRule> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    if (list.items().isEmpty()) {
      error(list, where + " has an empty 'paths' list: it has no backend");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (Node item : list.items()) {
      MapNode map = asMap(item, "a path");
      if (map == null) {
        continue;
      }
      checkKeys(map, "a path", "prefix", "exact", "nodePort", "service", "port", "loadBalancing", "healthCheck");
      Entry prefix = map.entries().get("prefix");
      Entry exact = map.entries().get("exact");
      if ((prefix == null) == (exact == null)) {
        error(map, "a path needs exactly one of 'prefix' or 'exact'");
        continue;
      }
      PathMatch kind = prefix != null ? PathMatch.PREFIX : PathMatch.EXACT;
      Entry pathEntry = prefix != null ? prefix : exact;
      Scalar p = asScalar(pathEntry.value(), pathEntry.key(), JsonToken.VALUE_STRING);
      if (!hasTarget(map)) {
        error(map, "path without a backend: set 'nodePort' or 'service'");
        continue;
      }
      Target target = readTarget(map, "a path");
      LoadBalancing lb = readLoadBalancing(map, domainLb);
      HealthCheckConfig check = readHealthCheck(map, domainCheck);
      if (p == null || target == null) {
        continue;
      }
      String path = p.text().trim();
      if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains(" ")) {
        error(p, pathEntry.key() + ": '" + p.text() + "' must be a path starting with '/' (no query)");
        continue;
      }
      if (kind == PathMatch.PREFIX && path.length() > 1 && path.endsWith("/")) {
        path = path.substring(0, path.length() - 1); // Ingress: "/api/" and "/api" are the same prefix
      }
      Integer firstLine = seen.putIfAbsent(kind + path, p.line());
      if (firstLine != null) {
        error(p, pathEntry.key() + " '" + path + "' is already routed at line " + firstLine);
        continue;
      }
      out.add(new PathRule(kind, path, new BackendRef(target.nodePort(), target.service(), lb, check)));
    }
    return out;
  }

  /** A {@code healthCheck} mapping; keys it leaves out take the defaults, not the enclosing domain's. */
  private HealthCheckConfig readHealthCheck(MapNode parent, HealthCheckConfig fallback) {
    Entry e = parent.entries().get("healthCheck");
    if (e == null) {
      return fallback;
    }
    MapNode map = asMap(e.value(), "healthCheck");
    if (map == null) {
      return fallback;
    }
    checkKeys(map, "healthCheck", "path", "port", "interval", "timeout", "healthyThreshold", "unhealthyThreshold",
        "slowStart");
    HealthCheckConfig d = HealthCheckConfig.DEFAULT;
    String path = null;
    Entry pathEntry = map.entries().get("path");
    if (pathEntry != null) {
      Scalar s = asScalar(pathEntry.value(), "healthCheck.path", JsonToken.VALUE_STRING);
      if (s != null && (!s.text().startsWith("/") || s.text().contains(" "))) {
        error(s, "healthCheck.path: '" + s.text() + "' must start with '/'");
      } else if (s != null) {
        path = s.text();
      }
    }
    Integer port = null;
    Entry portEntry = map.entries().get("port");
    if (portEntry != null) {
      port = readPort(portEntry, "healthCheck.port");
    }
    Duration interval = readDuration(map, "interval", "healthCheck.", d.interval());
    Duration timeout = readDuration(map, "timeout", "healthCheck.", d.timeout());
    if (timeout.compareTo(interval) > 0) {
      Entry t = map.entries().get("timeout");
      error(t != null ? t.value() : map, "healthCheck.timeout " + Durations.format(timeout)
          + " is longer than its interval " + Durations.format(interval));
    }
    return new HealthCheckConfig(path, port, interval, timeout,
        readCount(map, "healthyThreshold", d.healthyThreshold()),
        readCount(map, "unhealthyThreshold", d.unhealthyThreshold()),
        readDuration(map, "slowStart", "healthCheck.", d.slowStart()));
  }

  private int readCount(MapNode map, String key, int fallback) {
    Entry e = map.entries().get(key);
    if (e == null) {
      return fallback;
    }
    Scalar s = asScalar(e.value(), "healthCheck." + key, JsonToken.VALUE_NUMBER_INT);
    if (s == null) {
      return fallback;
    }
    long n = parseLong(s.text());
    if (n < 1 || n > 100) {
      error(s, "healthCheck." + key + ": " + s.text() + " is outside 1-100");
      return fallback;
    }
    return (int) n;
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private LoadBalancing readLoadBalancing(MapNode map, LoadBalancing fallback) {
    Entry e = map.entries().get("loadBalancing");
    if (e == null) {
      return fallback;
    }
    Scalar s = asScalar(e.value(), "loadBalancing", JsonToken.VALUE_STRING);
    if (s == null) {
      return fallback;
    }
    LoadBalancing lb = LoadBalancing.fromConfigName(s.text().trim());
    if (lb == null) {
      error(s, "loadBalancing: '" + s.text() + "' is not one of " + LoadBalancing.choices());
      return fallback;
    }
    return lb;
  }

  /** A TCP port number, 1-65535. */
  private Integer readPort(Entry e, String what) {
    Scalar s = asScalar(e.value(), what, JsonToken.VALUE_NUMBER_INT);
    if (s == null) {
      return null;
    }
    long port = parseLong(s.text());
    if (port < 1 || port > 65535) {
      error(s, what + ": " + s.text() + " is outside 1-65535");
      return null;
    }
    return (int) port;
  }

  private Integer readNodePort(Entry e) {
    Integer port = readPort(e, "nodePort");
    if (port == null) {
      return null;
    }
    if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
      Scalar s = (Scalar) e.value();
      problems.add(new Problem(Severity.WARNING, s.line(), s.column(), "nodePort " + port
          + " is outside Kubernetes' default NodePort range " + NODE_PORT_MIN + "-" + NODE_PORT_MAX
          + " (fine if your cluster widened it)"));
    }
    return port;
  }

  // ------------------------------------------------------------------ typed access with errors

  private List<Scalar> stringList(Entry entry, String what) {
    List<Scalar> out = new ArrayList<>();
    if (entry == null) {
      return out;
    }
    ListNode list = asList(entry.value(), what);
    if (list == null) {
      return out;
    }
    for (Node item : list.items()) {
      Scalar s = asScalar(item, what + " entry", JsonToken.VALUE_STRING);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private MapNode asMap(Node n, String what) {
    if (n instanceof MapNode m) {
      return m;
    }
    error(n, what + " must be a mapping (key: value), not " + n.kind());
    return null;
  }

  private ListNode asList(Node n, String what) {
    if (n instanceof ListNode l) {
      return l;
    }
    error(n, what + " must be a list, not " + n.kind());
    return null;
  }

  /** A scalar of one of the given YAML types. */
  private Scalar asScalar(Node n, String what, JsonToken... accepted) {
    if (n instanceof Scalar s) {
      for (JsonToken t : accepted) {
        if (s.token() == t) {
          return s;
        }
      }
    }
    String wanted = accepted[0] == JsonToken.VALUE_NUMBER_INT ? "a whole number" : "a string";
    error(n, what + " must be " + wanted + ", not " + n.kind());
    return null;
  }

  private void checkKeys(MapNode map, String what, String... allowed) {
    Set<String> known = Set.of(allowed);
    for (Entry e : map.entries().values()) {
      if (!known.contains(e.key())) {
        String hint = closest(e.key(), allowed);
        error(e.line(), e.column(), "unknown key '" + e.key() + "' in " + what
            + (hint != null ? " (did you mean '" + hint + "'?)" : " (allowed: " + String.join(", ", allowed) + ")"));
      }
    }
  }

  /** The allowed key a typo most likely meant: same letters ignoring case, or edit distance ≤ 2. */
  static String closest(String key, String... allowed) {
    String best = null;
    int bestDistance = 3;
    for (String a : allowed) {
      int d = a.equalsIgnoreCase(key) ? 0 : editDistance(a.toLowerCase(), key.toLowerCase());
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private void error(Node at, String message) {
    error(at.line(), at.column(), message);
  }

  private void error(int line, int column, String message) {
    problems.add(new Problem(Severity.ERROR, line, column, message));
  }
}
