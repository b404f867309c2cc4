package io.edgeport.config;

import io.edgeport.model.BackendRef;
import io.edgeport.model.ClientRules;
import io.edgeport.model.Domain;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.HttpsPolicy;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.ServiceRef;
import io.edgeport.net.Cidr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.model.PathRule.PathMatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  static final String FULL = """
      listen:
        http: "127.0.0.1:8080"
      timeouts:
        connect: 500ms
        response: 1m
        idle: 30s
      trustedProxies: ["10.0.0.0/8", "192.168.1.7"]
      nodes:
        - 192.168.56.11
        - node-2.cluster.local
      domains:
        - host: API.example.com
          nodePort: 30005
          loadBalancing: least-request
        - host: "*.apps.example.com"
          nodePort: 30006
          loadBalancing: client-ip-hash
        - host: shop.example.com
          paths:
            - prefix: /api/
              nodePort: 30007
            - exact: /health
              nodePort: 30008
            - prefix: /
              nodePort: 30006
      admin: "127.0.0.1:9901"
      accessLog:
        format: json
        file: /var/log/edgeport/access.log
      shutdown:
        keepAccepting: 3s
        drain: 10s
      """;

  static List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("f.yaml", yaml));
    return e.problems().stream().map(p -> p.format("f.yaml")).toList();
  }

  @Test
  void readsEveryFieldOfTheDocumentedFormat() throws Exception {
    ConfigLoader.Loaded loaded = ConfigLoader.parse("f.yaml", FULL);
    EdgeportConfig c = loaded.config();
    assertEquals(new ListenConfig(new ListenAddress("127.0.0.1", 8080), null, false), c.listen());
    assertEquals(new Timeouts(Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofSeconds(30)), c.timeouts());
    assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.168.1.7/32")), c.trustedProxies());
    assertEquals(List.of("192.168.56.11", "node-2.cluster.local"), c.nodes());
    assertEquals(3, c.domains().size());
    assertEquals(new Domain("api.example.com",
        List.of(PathRule.everything(new BackendRef(30005, LoadBalancing.LEAST_REQUEST))), "f.yaml:12"),
        c.domains().get(0));
    assertTrue(c.domains().get(1).isWildcard());
    assertEquals(List.of(
        new PathRule(PathMatch.PREFIX, "/api", new BackendRef(30007, LoadBalancing.ROUND_ROBIN)),
        new PathRule(PathMatch.EXACT, "/health", new BackendRef(30008, LoadBalancing.ROUND_ROBIN)),
        new PathRule(PathMatch.PREFIX, "/", new BackendRef(30006, LoadBalancing.ROUND_ROBIN))),
        c.domains().get(2).paths());
    assertEquals("f.yaml:18", c.domains().get(2).origin(), "status names where each domain is declared");
    assertEquals(new ListenAddress("127.0.0.1", 9901), c.admin());
    assertEquals(new AccessLogConfig(AccessLogConfig.Format.JSON, "/var/log/edgeport/access.log"), c.accessLog());
    assertEquals(new ShutdownConfig(Duration.ofSeconds(3), Duration.ofSeconds(10)), c.shutdown());
    assertEquals(List.of(), loaded.warnings());
  }

  @Test
  void defaultsApplyWhenOptionalSectionsAreAbsent() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", "nodes: [10.0.0.1]\ndomains:\n  - host: a.example.com\n    nodePort: 30001\n").config();
    assertEquals(ListenConfig.DEFAULT, c.listen());
    assertEquals(Timeouts.DEFAULTS, c.timeouts());
    assertEquals(List.of(), c.trustedProxies());
    assertNull(c.admin(), "the admin listener is off unless configured");
    assertNull(c.accessLog(), "the access log is off unless configured");
    assertEquals(ShutdownConfig.DEFAULTS, c.shutdown());
  }

  @Test
  void operationsSectionsAreValidated() throws Exception {
    String base = "nodes: [10.0.0.1]\ndomains:\n  - host: a.example.com\n    nodePort: 30001\n";
    assertEquals(List.of("f.yaml:5:8: admin: 'localhost:99999' is not \"[host]:port\" or a port number"
            + " (like \":80\" or \"127.0.0.1:8080\")",
        "f.yaml:7:11: accessLog.format: 'xml' is not combined or json",
        "f.yaml:9:3: unknown key 'drian' in shutdown (did you mean 'drain'?)"),
        errors(base + "admin: localhost:99999\naccessLog:\n  format: xml\nshutdown:\n  drian: 5s\n"));
    assertEquals(new ShutdownConfig(Duration.ZERO, Duration.ZERO), ConfigLoader.parse("f.yaml",
        base + "shutdown: {keepAccepting: 0s, drain: 0s}\n").config().shutdown(), "0s: none (stop at once)");
    assertEquals(List.of("f.yaml:5:38: shutdown.keepAccepting: 'soon' is not a duration (like 0s, 500ms, 2s, 1m)"),
        errors(base + "shutdown: {drain: 1s, keepAccepting: soon}\n"));
    ConfigLoader.Loaded open = ConfigLoader.parse("f.yaml", base + "admin: \":9901\"\naccessLog:\n");
    assertEquals(AccessLogConfig.STDOUT_COMBINED, open.config().accessLog());
    assertEquals(1, open.warnings().size());
    assertTrue(open.warnings().get(0).message().contains("no authentication"), open.warnings().toString());
  }

  @Test
  void listenAcceptsHostPortFormsAndBarePorts() {
    assertEquals(new ListenAddress("", 80), ListenAddress.parse(":80"));
    assertEquals(new ListenAddress("", 8080), ListenAddress.parse("8080"));
    assertEquals(new ListenAddress("0.0.0.0", 80), ListenAddress.parse("0.0.0.0:80"));
    assertEquals(new ListenAddress("::", 443), ListenAddress.parse("[::]:443"));
    assertEquals(null, ListenAddress.parse(":99999"));
    assertEquals(null, ListenAddress.parse("example.com:80"));
    assertEquals(null, ListenAddress.parse("http"));
  }

  @Test
  void everyProblemIsReportedWithItsLineAndColumn() {
    List<String> errors = errors("""
        listen:
          htp: ":80"
        timeouts:
          connect: 2
          response: soon
        nodes:
          - 10.0.0.1
          - 10.0.0.1
        domains:
          - host: a.example.com
            nodeport: 30005
          - host: b.example.com
            nodePort: 70000
          - host: A.example.com
            nodePort: "30005"
          - host: c.example.com
            nodePort: 30005
            loadBalancing: random
        """);
    assertEquals(List.of(
        "f.yaml:2:3: unknown key 'htp' in listen (did you mean 'http'?)",
        "f.yaml:4:12: timeouts.connect must be a string, not a whole number",
        "f.yaml:5:13: timeouts.response: 'soon' is not a positive duration (like 500ms, 2s, 1m)",
        "f.yaml:8:5: nodes: '10.0.0.1' is listed twice",
        "f.yaml:11:5: unknown key 'nodeport' in a domain (did you mean 'nodePort'?)",
        "f.yaml:10:5: domain 'a.example.com' has no backend: set 'nodePort', 'service' or 'paths'",
        "f.yaml:13:15: nodePort: 70000 is outside 1-65535",
        "f.yaml:14:11: host 'a.example.com' is already configured at line 10",
        "f.yaml:15:15: nodePort must be a whole number, not a string",
        "f.yaml:18:20: loadBalancing: 'random' is not one of round-robin | least-request | client-ip-hash"),
        errors);
  }

  @Test
  void nodePortOutsideTheKubernetesRangeIsOnlyAWarning() throws Exception {
    ConfigLoader.Loaded loaded = ConfigLoader.parse("f.yaml", "nodes: [10.0.0.1]\ndomains:\n  - host: a.example.com\n    nodePort: 8080\n");
    assertEquals(List.of("f.yaml:4:15: warning: nodePort 8080 is outside Kubernetes' default NodePort range 30000-32767"
        + " (fine if your cluster widened it)"), loaded.warnings().stream().map(p -> p.format("f.yaml")).toList());
  }

  @Test
  void hostsMustBeDnsNamesOrOneLabelWildcards() {
    List<String> errors = errors("""
        nodes: [10.0.0.1]
        domains:
          - host: 10.0.0.9
            nodePort: 30001
          - host: "a.*.example.com"
            nodePort: 30001
          - host: "exa mple.com"
            nodePort: 30001
          - host: 42
            nodePort: 30001
        """);
    assertEquals(4, errors.size(), errors.toString());
    assertTrue(errors.get(0).startsWith("f.yaml:3:11: host: '10.0.0.9' is an IP address"), errors.get(0));
    assertTrue(errors.get(1).startsWith("f.yaml:5:11: host: 'a.*.example.com': a wildcard must be a whole first label"));
    assertTrue(errors.get(2).startsWith("f.yaml:7:11: host: 'exa mple.com' is not a valid host name"));
    assertEquals("f.yaml:9:11: host must be a string, not a whole number", errors.get(3));
  }

  @Test
  void pathsAreValidated() {
    List<String> errors = errors("""
        nodes: [10.0.0.1]
        domains:
          - host: a.example.com
            nodePort: 30001
            paths: []
          - host: b.example.com
            paths:
              - prefix: api
                nodePort: 30001
              - prefix: /x
                exact: /x
                nodePort: 30001
              - prefix: /y
              - prefix: /z/
                nodePort: 30001
              - prefix: /z
                nodePort: 30002
        """);
    assertEquals(List.of(
        "f.yaml:5:5: domain 'a.example.com' has both a backend ('nodePort' or 'service') and 'paths'; put the default in a path with 'prefix: /'",
        "f.yaml:8:17: prefix: 'api' must be a path starting with '/' (no query)",
        "f.yaml:10:9: a path needs exactly one of 'prefix' or 'exact'",
        "f.yaml:13:9: path without a backend: set 'nodePort' or 'service'",
        "f.yaml:16:17: prefix '/z' is already routed at line 14"), errors);
  }

  @Test
  void structuralMistakesAreErrorsNotCrashes() {
    assertEquals(List.of("f.yaml:1:1: the config must be a mapping (key: value), not a list"), errors("- a\n- b\n"));
    assertEquals(List.of("f.yaml:1:1: the file is empty; it needs at least 'nodes' and 'domains'"), errors(""));
    List<String> missing = errors("listen:\n  http: 80\n");
    assertEquals(List.of("f.yaml:1:1: 'nodes' is missing: list the cluster's node addresses",
        "f.yaml:1:1: 'domains' is missing: map at least one host to a nodePort"), missing);
    List<String> syntax = errors("nodes: [10.0.0.1\ndomains: x\n");
    assertEquals(1, syntax.size());
    assertTrue(syntax.get(0).matches("f\\.yaml:\\d+:\\d+: YAML syntax: .*"), syntax.get(0));
    assertEquals(List.of("f.yaml:2:1: duplicate key 'nodes' (first at line 1)"),
        errors("nodes: [10.0.0.1]\nnodes: [10.0.0.2]\ndomains:\n  - host: a.b\n    nodePort: 30001\n"));
  }

  @Test
  void healthChecksAreReadWithDefaultsAndInheritedByPaths() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        nodes: [10.0.0.1]
        domains:
          - host: a.example.com
            nodePort: 30005
            healthCheck:
              path: /healthz
              port: 30100
              interval: 2s
              timeout: 500ms
              healthyThreshold: 1
              unhealthyThreshold: 5
              slowStart: 30s
          - host: b.example.com
            nodePort: 30006
          - host: c.example.com
            healthCheck: {interval: 10s}
            paths:
              - prefix: /api
                nodePort: 30007
              - prefix: /
                nodePort: 30008
                healthCheck: {path: /ready}
        """).config();
    assertEquals(new HealthCheck("/healthz", 30100, Duration.ofSeconds(2), Duration.ofMillis(500), 1, 5,
        Duration.ofSeconds(30)),
        c.domains().get(0).paths().get(0).backend().healthCheck());
    assertEquals(HealthCheck.DEFAULT, c.domains().get(1).paths().get(0).backend().healthCheck(),
        "no healthCheck: TCP every 5 s");
    assertEquals(new HealthCheck(null, null, Duration.ofSeconds(10), Duration.ofSeconds(1), 2, 3),
        c.domains().get(2).paths().get(0).backend().healthCheck(), "a path inherits the domain's check");
    assertEquals("/ready", c.domains().get(2).paths().get(1).backend().healthCheck().path());
  }

  @Test
  void healthCheckMistakesAreLocated() {
    assertEquals(List.of(
        "f.yaml:6:7: unknown key 'intervall' in healthCheck (did you mean 'interval'?)",
        "f.yaml:7:13: healthCheck.path: 'healthz' must start with '/'",
        "f.yaml:8:13: healthCheck.port: 0 is outside 1-65535",
        "f.yaml:9:16: healthCheck.timeout 10s is longer than its interval 5s",
        "f.yaml:10:25: healthCheck.healthyThreshold: 0 is outside 1-100"), errors("""
        nodes: [10.0.0.1]
        domains:
          - host: a.example.com
            nodePort: 30005
            healthCheck:
              intervall: 1s
              path: healthz
              port: 0
              timeout: 10s
              healthyThreshold: 0
        """));
  }

  @Test
  void kubernetesSectionAndServiceBackends() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        kubernetes:
          kubeconfig: /etc/edgeport/kubeconfig
          context: prod
          nodeAddressType: [ExternalIP, InternalIP]
          nodeSelector: {edge: "true"}
          ingressClass: edgeport
          publishAddress: 203.0.113.10
          nodeHealth: backend
        domains:
          - host: api.example.com
            service: default/api-service
            port: 8081
          - host: web.example.com
            paths:
              - prefix: /
                service: web/frontend
                port: http
        """).config();
    assertEquals(new KubernetesConfig("/etc/edgeport/kubeconfig", "prod", List.of("ExternalIP", "InternalIP"),
        java.util.Map.of("edge", "true"), "edgeport", "203.0.113.10", KubernetesConfig.NodeHealth.BACKEND, 10256),
        c.kubernetes());
    assertEquals(List.of(), c.nodes());
    assertEquals(new ServiceRef("default", "api-service", "8081"), c.domains().get(0).paths().get(0).backend().service());
    assertEquals(new ServiceRef("web", "frontend", "http"), c.domains().get(1).paths().get(0).backend().service());
    EdgeportConfig defaults = ConfigLoader.parse("f.yaml", "kubernetes: {}\ndomains:\n  - host: a.b.c\n    service: ns/svc\n").config();
    assertEquals(new KubernetesConfig(null, null, List.of("InternalIP"), java.util.Map.of(), null, null,
        KubernetesConfig.NodeHealth.KUBE_PROXY, 10256), defaults.kubernetes());
  }

  @Test
  void gatewayApiAndLeaderElectionSettingsAndDomainsLeftToTheCluster() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        kubernetes:
          gatewayClass: edgeport
          leaderElection: {namespace: edgeport, name: edge-status, leaseDuration: 5s}
        """).config();
    assertEquals("edgeport", c.kubernetes().gatewayClass());
    assertEquals(new KubernetesConfig.LeaderElection("edgeport", "edge-status", java.time.Duration.ofSeconds(5)),
        c.kubernetes().leaderElection());
    assertEquals(List.of(), c.domains(), "routes come from the cluster: the file needs no domains");
    assertEquals(KubernetesConfig.LeaderElection.DEFAULT,
        ConfigLoader.parse("f.yaml", "kubernetes: {ingressClass: x}\n").config().kubernetes().leaderElection());
    assertEquals(List.of("f.yaml:1:1: 'domains' is missing: map at least one host to a nodePort"),
        errors("kubernetes: {}\n"), "without a class to follow, a config with no domains serves nothing");
    assertEquals(List.of("f.yaml:3:41: unknown key 'nam' in kubernetes.leaderElection (did you mean 'name'?)",
        "f.yaml:3:35: kubernetes.leaderElection.leaseDuration: 'soon' is not a positive duration (like 500ms, 2s, 1m)"),
        errors("""
        kubernetes:
          gatewayClass: edgeport
          leaderElection: {leaseDuration: soon, nam: x}
        """));
  }

  @Test
  void loadBalancerServicesAreServedForAClassAtAddresses() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        kubernetes:
          loadBalancer: {class: edgeport.io/lb, addresses: [203.0.113.10, "2001:db8::10"], default: true}
        timeouts: {tcpIdle: 10m}
        """).config();
    KubernetesConfig.LoadBalancerClass lb = c.kubernetes().loadBalancer();
    assertEquals("edgeport.io/lb", lb.name());
    assertEquals(List.of("203.0.113.10", "2001:db8::10"), lb.addresses());
    assertTrue(lb.isDefault());
    assertEquals(HealthCheck.DEFAULT, lb.healthCheck());
    assertEquals(java.time.Duration.ofMinutes(10), c.timeouts().tcpIdle());
    assertEquals(java.time.Duration.ofHours(1), Timeouts.DEFAULTS.tcpIdle());
    assertEquals(List.of(), c.domains(), "Services supply what is served");
    assertEquals(List.of(
        "f.yaml:2:17: kubernetes.loadBalancer: 'class' is missing (the spec.loadBalancerClass it serves, like"
            + " edgeport.io/lb)",
        "f.yaml:2:30: kubernetes.loadBalancer.addresses: 'lb.example.com' is not an IP address"),
        errors("""
        kubernetes:
          loadBalancer: {addresses: [lb.example.com]}
        """));
  }

  @Test
  void loadBalancerPortsTakeTheConnectionLimitsOfLimitsUnlessTheyHaveTheirOwn() throws Exception {
    String lb = "kubernetes:\n  loadBalancer: {class: edgeport.io/lb, addresses: [203.0.113.10]%s}\n";
    KubernetesConfig.LoadBalancerClass defaults = ConfigLoader.parse("f.yaml", lb.formatted("")).config()
        .kubernetes().loadBalancer();
    assertEquals(LimitsConfig.DEFAULTS.maxConnections(), defaults.maxConnections());
    assertEquals(LimitsConfig.DEFAULTS.maxConnectionsPerIp(), defaults.maxConnectionsPerIp());
    KubernetesConfig.LoadBalancerClass inherited = ConfigLoader.parse("f.yaml",
        "limits: {maxConnections: 800, maxConnectionsPerIp: 8}\n" + lb.formatted("")).config().kubernetes()
        .loadBalancer();
    assertEquals(List.of(800, 8), List.of(inherited.maxConnections(), inherited.maxConnectionsPerIp()));
    KubernetesConfig.LoadBalancerClass own = ConfigLoader.parse("f.yaml", "limits: {maxConnectionsPerIp: 8}\n"
        + lb.formatted(", maxConnections: 0, maxConnectionsPerIp: 20")).config().kubernetes().loadBalancer();
    assertEquals(List.of(0, 20), List.of(own.maxConnections(), own.maxConnectionsPerIp()));
    assertEquals(List.of("f.yaml:2:84: kubernetes.loadBalancer.maxConnections: -1 is outside 0-10000000",
        "f.yaml:2:109: kubernetes.loadBalancer.maxConnectionsPerIp must be a whole number, not a string"),
        errors(lb.formatted(", maxConnections: -1, maxConnectionsPerIp: many")));
  }

  @Test
  void kubernetesMistakesAreLocated() {
    assertEquals(List.of(
        "f.yaml:3:3: unknown key 'ingresClass' in kubernetes (did you mean 'ingressClass'?)",
        "f.yaml:2:20: kubernetes.nodeAddressType: 'Hostname' is not InternalIP or ExternalIP",
        "f.yaml:4:1: 'nodes' and 'kubernetes' exclude each other: with 'kubernetes' the nodes come from the API; remove 'nodes'",
        "f.yaml:8:5: domain 'a.example.com' has both 'nodePort' and 'service'; choose one",
        "f.yaml:10:14: service: 'api-service' is not namespace/name (like default/api-service)",
        "f.yaml:13:5: 'port' names a Service port and goes with 'service'"), errors("""
        kubernetes:
          nodeAddressType: Hostname
          ingresClass: x
        nodes: [10.0.0.1]
        domains:
          - host: a.example.com
            nodePort: 30005
            service: default/api
          - host: b.example.com
            service: api-service
          - host: c.example.com
            nodePort: 30005
            port: 80
        """));
    assertEquals(List.of("f.yaml:4:14: service 'default/api' needs a 'kubernetes' section"), errors("""
        nodes: [10.0.0.1]
        domains:
          - host: a.example.com
            service: default/api
        """));
  }

  @Test
  void aMissingFileIsAClearError() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/nonexistent/edgeport.yaml")));
    assertEquals("/nonexistent/edgeport.yaml: cannot read: no such file", e.getMessage());
  }

  @Test
  void durationsAndCidrs() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(null, Durations.parse("1.5s"));
    assertEquals(null, Durations.parse("5"));
    assertTrue(Cidr.parse("10.0.0.0/8").contains(new byte[] {10, 1, 2, 3}));
    assertTrue(!Cidr.parse("10.0.0.0/8").contains(new byte[] {11, 1, 2, 3}));
    assertTrue(Cidr.parse("192.168.1.128/25").contains(new byte[] {(byte) 192, (byte) 168, 1, (byte) 200}));
    assertTrue(!Cidr.parse("192.168.1.128/25").contains(new byte[] {(byte) 192, (byte) 168, 1, 100}));
    assertTrue(Cidr.parse("::1").contains(Cidr.IpLiterals.parse("::1")));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
  }

  @Test
  void retryIsSetPerDomainAndOverriddenPerPath() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        nodes: [10.0.0.1]
        domains:
          - host: a.example.com
            nodePort: 30001
          - host: b.example.com
            retry:
              attempts: 2
              on: [connect-failure, reset, timeout, 503]
              maxBodyBytes: 1MiB
              budget: {percent: 10, minPerSecond: 3}
            paths:
              - prefix: /pay
                nodePort: 30002
                retry: {on: [connect-failure]}
              - prefix: /
                nodePort: 30002
        """).config();
    assertEquals(RetryPolicy.DEFAULT, c.domains().get(0).paths().get(0).backend().retry());
    RetryPolicy domain = c.domains().get(1).paths().get(1).backend().retry();
    assertEquals(new RetryPolicy(2, java.util.EnumSet.complementOf(java.util.EnumSet.of(RetryPolicy.On.STATUS)), 1024 * 1024, 10, 3), domain);
    RetryPolicy pay = c.domains().get(1).paths().get(0).backend().retry();
    assertEquals(new RetryPolicy(2, java.util.EnumSet.of(RetryPolicy.On.CONNECT_FAILURE), 1024 * 1024, 10, 3), pay,
        "what a path leaves out comes from its domain");
  }

  @Test
  void badRetrySettingsAreLocated() {
    assertEquals(List.of(
        "f.yaml:6:17: retry.attempts: 0 is outside 1-10",
        "f.yaml:7:12: retry.on: 'always' is not one of connect-failure, reset, timeout, 503",
        "f.yaml:8:21: retry.maxBodyBytes: 'lots' is not a size (like 65536, 64KiB or 1MiB)"),
        errors("""
            nodes: [10.0.0.1]
            domains:
              - host: a.example.com
                nodePort: 30001
                retry:
                  attempts: 0
                  on: [always]
                  maxBodyBytes: lots
            """));
  }

  private static final String NODES_AND_API = """
      nodes: [10.0.0.1]
      domains:
        - host: api.example.com
          nodePort: 30005
      """;

  @Test
  void readsTheHttpsListenerItsCertificatesAndTheDomainsHttpsRules() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("/etc/edgeport/edgeport.yaml", """
        listen:
          http: ":80"
          https: ":443"
          h2c: true
        tls:
          - hosts: ["API.example.com", "*.apps.example.com"]
            cert: tls/api.crt
            key: /secure/api.key
          - hosts: [shop.example.com]
            cert: shop.crt
            key: shop.key
            default: true
        nodes: [10.0.0.1]
        domains:
          - host: api.example.com
            nodePort: 30005
            redirectHttps: true
            hsts: 365d
        """).config();
    assertEquals(new ListenConfig(new ListenAddress("", 80), new ListenAddress("", 443), true), c.listen());
    assertEquals(new CertificateConfig(List.of("api.example.com", "*.apps.example.com"),
        Path.of("/etc/edgeport/tls/api.crt"), Path.of("/secure/api.key"), false, "/etc/edgeport/edgeport.yaml:6"),
        c.tls().get(0));
    assertTrue(c.tls().get(1).isDefault());
    assertEquals(new HttpsPolicy(true, Duration.ofDays(365)), c.domains().get(0).https());
  }

  @Test
  void httpsMistakesAreErrorsWithTheirPlace() {
    assertEquals(List.of("f.yaml:1:1: listen.https needs at least one certificate: add a 'tls'"
        + " section (or an 'acme' section to obtain them)"),
        errors("listen:\n  https: \":443\"\n" + NODES_AND_API));
    assertEquals(List.of("f.yaml:1:1: listen.https: port 8443 is already listen.http's"),
        errors("listen: {http: \":8443\", https: \":8443\"}\n" + NODES_AND_API).stream()
            .map(e -> e.replace("f.yaml:1:32", "f.yaml:1:1")).toList());
    List<String> redirect = errors(NODES_AND_API + "    redirectHttps: true\n");
    assertEquals(1, redirect.size(), redirect.toString());
    assertTrue(redirect.get(0).endsWith("domain 'api.example.com': redirectHttps needs listen.https"), redirect.get(0));
    List<String> tls = errors("""
        listen: {https: ":443"}
        tls:
          - hosts: [a.example.com]
            cert: a.crt
            key: a.key
            default: true
          - hosts: [a.example.com, "bad host"]
            cert: b.crt
            default: yes
            chain: b.pem
        """ + NODES_AND_API);
    assertTrue(tls.stream().anyMatch(e -> e.contains("tls.hosts: 'a.example.com' already has a certificate at line 3")),
        tls.toString());
    assertTrue(tls.stream().anyMatch(e -> e.contains("tls: an entry without 'key' (a PEM file)")), tls.toString());
    assertTrue(tls.stream().anyMatch(e -> e.contains("unknown key 'chain' in a tls entry")), tls.toString());
    assertTrue(tls.stream().anyMatch(e -> e.contains("tls.hosts: ")), tls.toString());
  }

  @Test
  void readsTheLimitsWithDefaultsAndBounds() throws Exception {
    assertEquals(LimitsConfig.DEFAULTS, ConfigLoader.parse("f.yaml", NODES_AND_API).config().limits());
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        limits:
          maxHeaderBytes: 16KiB
          headerTimeout: 5s
          bodyTimeout: 20s
          maxRequestsPerConnection: 100
        """ + NODES_AND_API).config();
    LimitsConfig d = LimitsConfig.DEFAULTS;
    assertEquals(new LimitsConfig(16 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(20), 100, 2_000, 0, 64,
        d.minBodyRate(), d.sendTimeout(), d.retryBufferBytes(), 0, d.mirrorBodyBytes()), c.limits());
    List<String> errors = errors("limits: {maxHeaderBytes: 100, headerTimout: 5s}\n" + NODES_AND_API);
    assertTrue(errors.contains("f.yaml:1:31: unknown key 'headerTimout' in limits (did you mean 'headerTimeout'?)"),
        errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("limits.maxHeaderBytes: 100 is outside 1024-1048576 bytes")),
        errors.toString());
  }

  @Test
  void readsTheBodyRateSendTimeoutAndRetryBufferLimits() throws Exception {
    LimitsConfig d = ConfigLoader.parse("f.yaml", NODES_AND_API).config().limits();
    assertEquals(1024, d.minBodyRate());
    assertEquals(Duration.ofSeconds(60), d.sendTimeout());
    assertEquals(16L * 1024 * 1024, d.retryBufferBytes());
    LimitsConfig c = ConfigLoader.parse("f.yaml", """
        limits:
          minBodyRate: 0
          sendTimeout: 5s
          retryBufferBytes: 4MiB
        """ + NODES_AND_API).config().limits();
    assertEquals(0, c.minBodyRate(), "0: only the pause is bounded");
    assertEquals(Duration.ofSeconds(5), c.sendTimeout());
    assertEquals(4L * 1024 * 1024, c.retryBufferBytes());
    assertEquals(d.bodyTimeout(), c.bodyTimeout(), "the others keep their defaults");
    List<String> errors = errors("""
        limits:
          minBodyRate: fast
          sendTimeout: 0s
          retryBufferBytes: 2048MiB
          sendTimout: 1s
        """ + NODES_AND_API);
    assertTrue(errors.contains("f.yaml:2:16: limits.minBodyRate: 'fast' is not a size (like 65536, 64KiB or 1MiB)"),
        errors.toString());
    assertTrue(errors.contains("f.yaml:3:16: limits.sendTimeout: '0s' is not a positive duration (like 500ms, 2s, 1m)"),
        errors.toString());
    assertTrue(errors.contains("f.yaml:4:21: limits.retryBufferBytes: 2048MiB is outside 0-1073741824 bytes"),
        errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.startsWith("f.yaml:5:3: unknown key 'sendTimout' in limits")),
        errors.toString());
  }

  @Test
  void readsTheHeadBufferBudgetOrLeavesItToTheDirectMemory() throws Exception {
    assertEquals(0, ConfigLoader.parse("f.yaml", NODES_AND_API).config().limits().headBufferBytes(),
        "absent: derived from the JVM's direct memory when serving");
    assertEquals(4L * 1024 * 1024, ConfigLoader.parse("f.yaml", "limits: {headBufferBytes: 4MiB}\n" + NODES_AND_API)
        .config().limits().headBufferBytes());
    List<String> errors = errors("limits: {headBufferBytes: 1KiB}\n" + NODES_AND_API);
    assertTrue(errors.contains("f.yaml:1:27: limits.headBufferBytes: 1KiB is outside 65536-1099511627776 bytes"),
        errors.toString());
  }

  @Test
  void readsEachDomainsClientRules() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", NODES_AND_API + """
            allow: ["10.0.0.0/8"]
            deny: ["10.9.0.0/16", "192.0.2.1"]
            rateLimit: {requests: 100, per: 1s, burst: 200, by: client-ip}
            maxBodyBytes: 1MiB
        """).config();
    assertEquals(new ClientRules(List.of(Cidr.parse("10.0.0.0/8")), List.of(Cidr.parse("10.9.0.0/16"),
        Cidr.parse("192.0.2.1")), new ClientRules.RateLimit(100, Duration.ofSeconds(1), 200), 1024 * 1024),
        c.domains().get(0).clients());
    List<String> errors = errors(NODES_AND_API + """
            deny: ["10.0.0.0/33"]
            rateLimit: {per: 1s, by: header}
        """);
    assertTrue(errors.stream().anyMatch(e -> e.contains("deny: ")), errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.contains("rateLimit needs 'requests'")), errors.toString());
  }

  @Test
  void backendProxyProtocolIsV1OrV2AndPathsInheritIt() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        nodes: [10.0.0.1]
        domains:
          - host: api.example.com
            backendProxyProtocol: v2
            paths:
              - prefix: /a
                nodePort: 30005
              - prefix: /b
                nodePort: 30006
                backendProxyProtocol: v1
        """).config();
    assertEquals(2, c.domains().get(0).paths().get(0).backend().proxyProtocol());
    assertEquals(1, c.domains().get(0).paths().get(1).backend().proxyProtocol());
    List<String> errors = errors(NODES_AND_API + "    backendProxyProtocol: v3\n");
    assertTrue(errors.stream().anyMatch(e -> e.endsWith("backendProxyProtocol: 'v3' is not v1 or v2")), errors.toString());
  }

  @Test
  void proxyProtocolNeedsTheNetworksOfTheBalancersInFront() throws Exception {
    ConfigLoader.Loaded loaded = ConfigLoader.parse("f.yaml", """
        listen:
          proxyProtocol: true
          proxyProtocolFrom: ["10.0.0.0/8", "192.0.2.7", "fd00::/8"]
        """ + NODES_AND_API);
    assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.7"), Cidr.parse("fd00::/8")),
        loaded.config().listen().proxyProtocolFrom());
    assertEquals(List.of(), loaded.warnings());
    assertEquals(List.of(), ConfigLoader.parse("f.yaml", NODES_AND_API).config().listen().proxyProtocolFrom());
    assertEquals(List.of("f.yaml:2:3: listen.proxyProtocol needs listen.proxyProtocolFrom: the networks the balancers"
            + " in front connect from (like [\"10.0.0.0/8\"]); connections from elsewhere are closed"),
        errors("listen:\n  proxyProtocol: true\n" + NODES_AND_API));
    assertEquals(List.of("f.yaml:3:22: listen.proxyProtocolFrom is empty: every connection would be closed"),
        errors("listen:\n  proxyProtocol: true\n  proxyProtocolFrom: []\n" + NODES_AND_API));
    assertEquals(List.of("f.yaml:3:23: listen.proxyProtocolFrom: '10.0.0.0/33': prefix length must be 0-32"),
        errors("listen:\n  proxyProtocol: true\n  proxyProtocolFrom: [10.0.0.0/33]\n" + NODES_AND_API));
    List<Problem> warnings = ConfigLoader.parse("f.yaml", "listen:\n  proxyProtocolFrom: [10.0.0.0/8]\n"
        + NODES_AND_API).warnings();
    assertEquals(List.of("f.yaml:2:22: warning: listen.proxyProtocolFrom is set but listen.proxyProtocol is not:"
        + " no header is read"), warnings.stream().map(p -> p.format("f.yaml")).toList());
  }

  @Test
  void untrustedHeadersHaveADefaultAndAreValidatedHeaderNames() throws Exception {
    assertEquals(List.of("x-real-ip", "true-client-ip", "cf-connecting-ip", "x-original-url", "x-rewrite-url"),
        ConfigLoader.parse("f.yaml", NODES_AND_API).config().untrustedHeaders());
    assertEquals(List.of("x-client-cert", "x-real-ip"), ConfigLoader.parse("f.yaml",
        "untrustedHeaders: [X-Client-Cert, x-real-ip]\n" + NODES_AND_API).config().untrustedHeaders());
    assertEquals(List.of(), ConfigLoader.parse("f.yaml", "untrustedHeaders: []\n" + NODES_AND_API).config()
        .untrustedHeaders(), "none beyond X-Forwarded-* and Forwarded");
    assertEquals(List.of("f.yaml:1:20: untrustedHeaders: 'x real ip' is not a header name",
            "f.yaml:1:31: untrustedHeaders: Content-Length cannot be removed: the request needs it",
            "f.yaml:1:58: untrustedHeaders: 'X-REAL-IP' is listed twice"),
        errors("untrustedHeaders: [x real ip, Content-Length, x-real-ip, X-REAL-IP]\n" + NODES_AND_API));
  }

  @Test
  void anIpv6ClientIsASlash64UnlessLimitsSayOtherwise() throws Exception {
    assertEquals(64, ConfigLoader.parse("f.yaml", NODES_AND_API).config().limits().ipv6Prefix());
    assertEquals(56, ConfigLoader.parse("f.yaml", "limits: {ipv6Prefix: 56}\n" + NODES_AND_API).config().limits()
        .ipv6Prefix());
    assertEquals(128, ConfigLoader.parse("f.yaml", "limits: {ipv6Prefix: 128}\n" + NODES_AND_API).config().limits()
        .ipv6Prefix(), "128: every address on its own");
    assertEquals(List.of("f.yaml:1:22: limits.ipv6Prefix: 0 is outside 1-128"),
        errors("limits: {ipv6Prefix: 0}\n" + NODES_AND_API));
    assertEquals(List.of("f.yaml:1:22: limits.ipv6Prefix: 129 is outside 1-128"),
        errors("limits: {ipv6Prefix: 129}\n" + NODES_AND_API));
  }
}
