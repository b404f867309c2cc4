package io.edgeport.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeport.cluster.kubernetes.GatewayApiKind;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.LimitsConfig;
import io.edgeport.support.Command;
import io.edgeport.support.Configs;
import io.edgeport.support.JavaProcess;
import io.edgeport.support.RawHttp;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The files users deploy from: every Kubernetes manifest parses and fits together, every README config is valid. */
class DeploymentFilesTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @TempDir
  Path dir;

  static List<HasMetadata> manifests(String file) throws Exception {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : Files.readString(Path.of("k8s", file)).split("(?m)^---$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        out.add(SERIALIZATION.unmarshal(doc));
      }
    }
    return out;
  }

  static <T> T only(List<HasMetadata> items, Class<T> kind) {
    List<T> of = items.stream().filter(kind::isInstance).map(kind::cast).toList();
    assertEquals(1, of.size(), kind.getSimpleName());
    return of.get(0);
  }

  static <T extends HasMetadata> T named(List<HasMetadata> items, Class<T> kind, String name) {
    return items.stream().filter(kind::isInstance).map(kind::cast).filter(i -> i.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError(kind.getSimpleName() + " " + name));
  }

  @Test
  void theExampleAppIsTheTutorialsNodePortServiceDoneRight() throws Exception {
    List<HasMetadata> items = manifests("myapp.yaml");
    Deployment app = only(items, Deployment.class);
    Service service = only(items, Service.class);
    Map<String, String> podLabels = app.getSpec().getTemplate().getMetadata().getLabels();
    assertEquals("myapp", app.getMetadata().getName());
    assertEquals(Map.of("app", "myapp", "type", "rest-api"), podLabels);
    assertTrue(app.getSpec().getReplicas() >= 2, "a few replicas");
    assertTrue(podLabels.entrySet().containsAll(app.getSpec().getSelector().getMatchLabels().entrySet()));
    assertEquals(10253, app.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0)
        .getContainerPort());

    assertEquals("api-service", service.getMetadata().getName());
    assertEquals("NodePort", service.getSpec().getType());
    ServicePort port = service.getSpec().getPorts().get(0);
    assertEquals(8081, port.getPort());
    assertEquals(10253, port.getTargetPort().getIntVal());
    assertEquals(30005, port.getNodePort());
    assertFalse(service.getSpec().getSelector().isEmpty());
    assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()),
        "the Service selects the pods");
  }

  @Test
  void theGatewayApiExampleRoutesToTheExampleAppAndRbacAllowsWhatStatusNeeds() throws Exception {
    List<HasMetadata> items = manifests("gateway-api.yaml");
    GatewayClass gc = only(items, GatewayClass.class);
    Gateway gw = only(items, Gateway.class);
    HTTPRoute route = only(items, HTTPRoute.class);
    assertEquals("edgeport.io/gateway-controller", gc.getSpec().getControllerName());
    assertEquals(gc.getMetadata().getName(), gw.getSpec().getGatewayClassName());
    EdgeportConfig config = ConfigLoader.parse("k8s/edgeport.yaml ConfigMap",
        only(manifests("edgeport.yaml"), ConfigMap.class).getData().get("edgeport.yaml")).config();
    assertEquals(gc.getMetadata().getName(), config.kubernetes().gatewayClass(), "the ConfigMap serves the class");
    assertEquals(gw.getMetadata().getName(), route.getSpec().getParentRefs().get(0).getName());
    Service app = only(manifests("myapp.yaml"), Service.class);
    var backend = route.getSpec().getRules().get(0).getBackendRefs().get(0);
    assertEquals(app.getMetadata().getName(), backend.getName());
    assertEquals(app.getSpec().getPorts().get(0).getPort(), backend.getPort(), "the Service port");

    List<HasMetadata> rbac = manifests("rbac.yaml");
    List<String> granted = rbac.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
        .flatMap(r -> r.getRules().stream())
        .flatMap(rule -> rule.getResources().stream().flatMap(res -> rule.getVerbs().stream().map(v -> res + " " + v)))
        .toList();
    List<String> needed = new ArrayList<>(List.of("namespaces watch", "gateways/status patch",
        "httproutes/status patch", "grpcroutes/status patch", "gatewayclasses/status patch", "services/status patch",
        "events create"));
    for (GatewayApiKind kind : GatewayApiKind.values()) { // every kind the source follows: its informer lists, watches
      List.of("get", "list", "watch").forEach(verb -> needed.add(kind.plural() + " " + verb));
    }
    for (String rule : needed) {
      assertTrue(granted.contains(rule), rule);
    }
    Role lease = named(rbac, Role.class, "edgeport-leader-election");
    assertEquals(List.of("leases"), lease.getRules().get(0).getResources());
    assertEquals(List.of("get", "create", "update"), lease.getRules().get(0).getVerbs());
    RoleBinding binding = named(rbac, RoleBinding.class, "edgeport-leader-election");
    assertEquals(lease.getMetadata().getName(), binding.getRoleRef().getName());
    // ACME certificates: Secrets in edgeport's namespace (the Lease's), watched by all, written by the Lease holder
    Role acme = named(rbac, Role.class, "edgeport-acme");
    assertEquals(lease.getMetadata().getNamespace(), acme.getMetadata().getNamespace());
    assertEquals(List.of("secrets"), acme.getRules().get(0).getResources());
    assertEquals(List.of("get", "list", "watch", "create", "update"), acme.getRules().get(0).getVerbs());
    RoleBinding acmeBinding = named(rbac, RoleBinding.class, "edgeport-acme");
    assertEquals(acme.getMetadata().getName(), acmeBinding.getRoleRef().getName());
    assertEquals(acme.getMetadata().getNamespace(), acmeBinding.getMetadata().getNamespace());
    assertEquals("edgeport", acmeBinding.getSubjects().get(0).getName());
    Container c = only(manifests("edgeport.yaml"), DaemonSet.class).getSpec().getTemplate().getSpec().getContainers()
        .get(0);
    assertEquals("metadata.namespace", c.getEnv().stream().filter(e -> e.getName().equals("POD_NAMESPACE"))
        .findFirst().orElseThrow().getValueFrom().getFieldRef().getFieldPath(), "the Lease goes to edgeport's namespace");
    assertEquals(binding.getMetadata().getNamespace(), only(manifests("edgeport.yaml"), DaemonSet.class)
        .getMetadata().getNamespace());
  }

  @Test
  void edgeportRunsOnTheEdgeNodesWithItsConfigProbesAndResources() throws Exception {
    List<HasMetadata> items = manifests("edgeport.yaml");
    DaemonSet edge = only(items, DaemonSet.class);
    ConfigMap configMap = only(items, ConfigMap.class);
    var pod = edge.getSpec().getTemplate().getSpec();
    assertTrue(pod.getHostNetwork());
    assertFalse(pod.getNodeSelector().isEmpty(), "dedicated edge nodes");
    EdgeportConfig config = ConfigLoader.parse("k8s/edgeport.yaml ConfigMap",
        configMap.getData().get("edgeport.yaml")).config();
    assertNotNull(config.kubernetes());
    Container c = pod.getContainers().get(0);
    int admin = config.admin().port();
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/ready", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals(admin, c.getLivenessProbe().getHttpGet().getPort().getIntVal());
    assertEquals(admin, c.getReadinessProbe().getHttpGet().getPort().getIntVal());
    assertTrue(config.shutdown().keepAccepting().plus(config.shutdown().drain()).toSeconds()
        < pod.getTerminationGracePeriodSeconds(), "the stop ends before the kubelet's SIGKILL");

    long limit = Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValue();
    String options = c.getEnv().stream().filter(e -> e.getName().equals("JAVA_OPTS")).findFirst()
        .orElseThrow().getValue();
    Matcher heap = Pattern.compile("-Xmx(\\d+)m").matcher(options);
    Matcher direct = Pattern.compile("-XX:MaxDirectMemorySize=(\\d+)m").matcher(options);
    assertTrue(heap.find() && direct.find(), options);
    long mib = 1024 * 1024;
    assertTrue((Long.parseLong(heap.group(1)) + Long.parseLong(direct.group(1))) * mib < limit,
        "heap and direct buffers fit under the memory limit with room for the JVM: " + options);

    List<HasMetadata> rbac = manifests("rbac.yaml");
    String account = pod.getServiceAccountName();
    List<ClusterRoleBinding> bindings = rbac.stream().filter(ClusterRoleBinding.class::isInstance)
        .map(ClusterRoleBinding.class::cast).toList();
    assertFalse(bindings.isEmpty());
    for (ClusterRoleBinding b : bindings) {
      assertEquals(account, b.getSubjects().get(0).getName());
      assertTrue(rbac.stream().anyMatch(r -> r instanceof ClusterRole role
          && role.getMetadata().getName().equals(b.getRoleRef().getName())), "its role exists");
    }
  }

  @Test
  void everyConfigShownInTheReadmeIsValid() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Matcher block = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    int checked = 0;
    while (block.find()) {
      String yaml = block.group(1);
      // a snippet shows one section: give it the smallest rest of a config
      if (!yaml.contains("nodes:") && !yaml.contains("kubernetes:")) {
        yaml = "nodes: [10.0.0.1]\n" + yaml;
      }
      if (!yaml.contains("domains:")) {
        yaml = yaml + "\ndomains:\n  - host: snippet.example.com\n    nodePort: 30005\n";
      }
      ConfigLoader.parse("README.md block " + (checked + 1), yaml);
      checked++;
    }
    assertTrue(checked >= 3, checked + " blocks");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theComposeDemoRoutesToItsThreeNodeContainers() throws Exception {
    // SnakeYAML (under Jackson's YAML) resolves the file's anchors and merge keys, as docker-compose does.
    Map<String, Object> compose = new org.yaml.snakeyaml.Yaml().load(Files.readString(Path.of("docker-compose.yml")));
    Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
    Map<String, Object> edge = services.get("edgeport");
    List<String> command = (List<String>) edge.get("command");
    String configFile = command.get(command.indexOf("--config") + 1);
    assertTrue(configFile.startsWith("/etc/edgeport/") && ((List<String>) edge.get("volumes"))
        .contains("./config:/etc/edgeport:ro"), "its config comes from config/");
    EdgeportConfig config = ConfigLoader.load(Path.of("config", Path.of(configFile).getFileName().toString())).config();

    List<String> nodeAddresses = new ArrayList<>();
    for (var service : services.entrySet()) {
      List<String> cmd = (List<String>) service.getValue().get("command");
      if (cmd.get(0).equals("demo-node")) {
        assertFalse(cmd.contains("--node-port"), "the nodes serve the default nodePort");
        assertEquals(service.getKey(), cmd.get(cmd.indexOf("--name") + 1), "a node is named as its service");
        Map<String, Map<String, Object>> networks = (Map<String, Map<String, Object>>) service.getValue().get("networks");
        nodeAddresses.add((String) networks.get("nodes").get("ipv4_address"));
      }
    }
    assertEquals(3, nodeAddresses.size(), "three node containers");
    assertEquals(nodeAddresses, config.nodes(), "edgeport balances over the node containers' addresses");
    assertEquals(30005, config.domains().get(0).paths().get(0).backend().nodePort());
    List<String> ports = (List<String>) edge.get("ports");
    assertTrue(ports.stream().anyMatch(p -> p.endsWith(":" + config.listen().http().port())), ports.toString());
    assertTrue(ports.stream().anyMatch(p -> p.endsWith(":" + config.admin().port())), ports.toString());
    assertTrue(ports.stream().allMatch(p -> p.startsWith("127.0.0.1:")), "published on the host's loopback only");
    assertTrue(Files.readString(Path.of("Dockerfile")).contains("/dev/tcp/127.0.0.1/" + config.admin().port()),
        "the image's HEALTHCHECK asks this admin port");
  }

  /** bin/edgeport's JVM options, which the image, the unit and the DaemonSet repeat. */
  static String launcherOptions() throws Exception {
    Matcher defaults = Pattern.compile("(?m)^DEFAULT_JAVA_OPTS=\"([^\"]+)\"").matcher(Files.readString(Path.of("bin/edgeport")));
    assertTrue(defaults.find(), "bin/edgeport names its defaults");
    return defaults.group(1);
  }

  @Test
  void everyDocumentedWayOfRunningItUsesTheLaunchersJvmOptions() throws Exception {
    String options = launcherOptions();
    assertTrue(options.contains("-XX:+UseSerialGC") && options.contains("-Xmx"), options);
    assertTrue(Files.readString(Path.of("Dockerfile")).contains("ENV JAVA_OPTS=\"" + options + "\""), "Dockerfile");
    assertTrue(Files.readString(Path.of("deploy/systemd/edgeport.service")).contains("\"JAVA_OPTS=" + options + "\""),
        "the systemd unit");
    Container c = only(manifests("edgeport.yaml"), DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(options, c.getEnv().stream().filter(e -> e.getName().equals("JAVA_OPTS")).findFirst().orElseThrow()
        .getValue(), "the DaemonSet");
    assertTrue(Files.readString(Path.of("README.md")).contains("bin/edgeport demo"), "the README's quick start");
  }

  /**
   * What one held connection costs was measured with these options (bench/RESULTS.md, "connection limits sized to
   * the shipped JVM options"): the default limit keeps both listeners full of idle connections within half the old
   * generation, and one listener of unfinished request heads within the direct memory.
   */
  @Test
  void theDefaultConnectionLimitFitsTheShippedHeapAndDirectMemory() throws Exception {
    String options = launcherOptions();
    double heap = megabytes(options, "-Xmx(\\d+)m");
    double young = megabytes(options, "-Xmn(\\d+)m");
    double direct = megabytes(options, "-XX:MaxDirectMemorySize=(\\d+)m");
    int limit = LimitsConfig.DEFAULTS.maxConnections();
    double baseline = 16;
    double idlePlain = 8.7 / 1024;
    double idleTls = 15.2 / 1024;
    double unfinishedHead = 60.0 / 1024; // under io_uring: the head so far and the read buffer posted beside it
    assertTrue(limit > 0, "a default limit");
    assertTrue(baseline + limit * (idlePlain + idleTls) <= (heap - young) / 2, limit + " idle connections on each"
        + " listener fit in half the old generation of " + options);
    assertTrue(limit * unfinishedHead <= direct, limit + " unfinished heads fit in the direct memory of " + options);
  }

  static double megabytes(String options, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(options);
    assertTrue(m.find(), pattern + " in " + options);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void theDaemonSetFiltersSystemCallsAndItsRootFilesystemIsReadOnly() throws Exception {
    var pod = only(manifests("edgeport.yaml"), DaemonSet.class).getSpec().getTemplate().getSpec();
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    Container c = pod.getContainers().get(0);
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertTrue(c.getSecurityContext().getRunAsNonRoot());
    assertEquals(List.of("/tmp"), writablePaths(pod), "the JVM's, Netty's and Vert.x's temporary files");
    assertTrue(pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null)
        .allMatch(v -> v.getEmptyDir().getSizeLimit() != null), "bounded");
  }

  /** Where the DaemonSet's container may write: its emptyDir mounts. */
  static List<String> writablePaths(io.fabric8.kubernetes.api.model.PodSpec pod) {
    List<String> emptyDirs = pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null)
        .map(io.fabric8.kubernetes.api.model.Volume::getName).toList();
    return pod.getContainers().get(0).getVolumeMounts().stream().filter(m -> emptyDirs.contains(m.getName()))
        .map(io.fabric8.kubernetes.api.model.VolumeMount::getMountPath).toList();
  }

  /**
   * edgeport on the DaemonSet's filesystem, for real: a mount namespace whose root is read-only and where only the
   * DaemonSet's emptyDir mounts are writable (tmpfs). It serves, with its native transport; without them it does
   * not start, and says why.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void edgeportRunsWhereOnlyTheDaemonSetsEmptyDirsAreWritable() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "a mount namespace needs root");
    var pod = only(manifests("edgeport.yaml"), DaemonSet.class).getSpec().getTemplate().getSpec();
    StringBuilder writable = new StringBuilder();
    writablePaths(pod).forEach(path -> writable.append("mount -t tmpfs -o size=64m tmpfs ").append(path).append(" && "));
    // what the test JVM's child needs from under those paths (a checkout or the test's folder in /tmp, say) is bound
    // aside first and back over the fresh tmpfs: the JVM reads it, edgeport writes only to the emptyDirs
    StringBuilder keptAside = new StringBuilder("mount -t tmpfs tmpfs /mnt && ");
    StringBuilder keptBack = new StringBuilder();
    List<String> needed = new java.util.ArrayList<>(List.of(System.getProperty("java.class.path").split(":")));
    needed.add(dir.toString());
    needed.add(System.getProperty("java.home"));
    int k = 0;
    for (String n : needed) {
      Path path = Path.of(n).toAbsolutePath();
      if (Files.exists(path) && writablePaths(pod).stream().anyMatch(w -> path.startsWith(w))) {
        String kind = Files.isDirectory(path) ? "mkdir -p " : "mkdir -p " + path.getParent() + " && touch ";
        keptAside.append(Files.isDirectory(path) ? "mkdir /mnt/" + k : "touch /mnt/" + k)
            .append(" && mount --bind '").append(path).append("' /mnt/").append(k).append(" && ");
        keptBack.append(kind).append("'").append(path).append("' && mount --bind /mnt/").append(k).append(" '")
            .append(path).append("' && ");
        k++;
      }
    }
    int port = Configs.freePort();
    int admin = Configs.freePort();
    int nodePort = Configs.freePort();
    String[] demo = {"demo", "--port", String.valueOf(port), "--admin", "127.0.0.1:" + admin, "--node-port",
        String.valueOf(nodePort), "--workers", "1"};
    try (JavaProcess p = JavaProcess.startUnder(readOnlyRoot(keptAside.toString() + writable + keptBack), dir, demo)) {
      String transport = p.awaitLine("network transport: ", 60);
      assertFalse(transport.endsWith("nio"), "Netty unpacked its native transport: " + transport);
      p.awaitLine("edgeport listening on", 60);
      for (String node : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
        p.awaitLine("node " + node + " on :" + nodePort + " UP", 30);
      }
      int status = 0;
      for (int i = 0; i < 50 && status != 200; i++) { // bounded: until routing has the nodes
        status = RawHttp.get(port, "api.example.com", "/").status();
      }
      assertEquals(200, status);
      assertEquals(200, RawHttp.get(admin, "localhost", "/").status(), "the dashboard, from the jar");
      assertTrue(p.output().stream().noneMatch(l -> l.contains("Read-only file system")), p.output().toString());
    }
    try (JavaProcess p = JavaProcess.startUnder(readOnlyRoot(""), dir, demo)) {
      assertTrue(p.awaitLine("cannot start", 60).contains("/tmp/vertx-cache"), p.output().toString());
      assertEquals(1, p.awaitExit(30), "without a writable /tmp");
    }
  }

  /** A wrapper that runs its command in a private mount namespace with a read-only root, after {@code mounts}. */
  static List<String> readOnlyRoot(String mounts) {
    return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
        "mount -o remount,bind,ro / && " + mounts + "cd / && exec \"$@\"", "sh");
  }

  @Test
  void theKeepalivedPairTalksUnicastToEachOtherWithoutAPassword() throws Exception {
    String file = Files.readString(Path.of("deploy/keepalived/keepalived.conf"));
    String config = file.lines().map(l -> l.replaceFirst("#.*", "")).collect(java.util.stream.Collectors.joining("\n"));
    for (String word : List.of("authentication", "auth_type", "auth_pass")) {
      assertFalse(config.contains(word), "no VRRP password: " + word);
    }
    Matcher self = Pattern.compile("unicast_src_ip (\\S+)").matcher(config);
    Matcher peer = Pattern.compile("unicast_peer \\{\\s*(\\S+)\\s*}").matcher(config);
    assertTrue(self.find() && peer.find(), config);
    assertFalse(self.group(1).equals(peer.group(1)));
    assertTrue(config.contains("check_unicast_src"), "adverts from others are ignored");
    assertTrue(file.contains("swaps the two host addresses (" + self.group(1) + " and " + peer.group(1) + ")"),
        "the header tells the backup host what to change");
    String haTest = Files.readString(Path.of("deploy/ha-test.sh"));
    assertTrue(haTest.contains("host a " + self.group(1)) && haTest.contains("host b " + peer.group(1)),
        "ha-test.sh runs the file as shipped: its hosts have the file's addresses");
  }

  @Test
  void systemdAcceptsTheUnit() throws Exception {
    Command.Result r = Command.run(60, List.of("systemd-analyze", "verify", "deploy/systemd/edgeport.service"));
    assertEquals(0, r.exit(), r.output());
    assertFalse(r.output().contains("edgeport.service"), "no warning about the unit: " + r.output());
  }
}
