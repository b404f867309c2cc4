package io.edgeport.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.support.Command;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The files users deploy from: every Kubernetes manifest parses and fits together, every README config is valid. */
class DeploymentFilesTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

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
    for (String needed : List.of("gateways watch", "httproutes watch", "referencegrants watch",
        "gatewayclasses watch", "namespaces watch", "gateways/status patch", "httproutes/status patch",
        "gatewayclasses/status patch", "services/status patch", "events create")) {
      assertTrue(granted.contains(needed), needed);
    }
    Role lease = only(rbac, Role.class);
    assertEquals(List.of("leases"), lease.getRules().get(0).getResources());
    assertEquals(List.of("get", "create", "update"), lease.getRules().get(0).getVerbs());
    RoleBinding binding = only(rbac, RoleBinding.class);
    assertEquals(lease.getMetadata().getName(), binding.getRoleRef().getName());
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

  @Test
  void everyDocumentedWayOfRunningItUsesTheLaunchersJvmOptions() throws Exception {
    Matcher defaults = Pattern.compile("(?m)^DEFAULT_JAVA_OPTS=\"([^\"]+)\"").matcher(Files.readString(Path.of("bin/edgeport")));
    assertTrue(defaults.find(), "bin/edgeport names its defaults");
    String options = defaults.group(1);
    assertTrue(options.contains("-XX:+UseSerialGC") && options.contains("-Xmx"), options);
    assertTrue(Files.readString(Path.of("Dockerfile")).contains("ENV JAVA_OPTS=\"" + options + "\""), "Dockerfile");
    assertTrue(Files.readString(Path.of("deploy/systemd/edgeport.service")).contains("\"JAVA_OPTS=" + options + "\""),
        "the systemd unit");
    Container c = only(manifests("edgeport.yaml"), DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(options, c.getEnv().stream().filter(e -> e.getName().equals("JAVA_OPTS")).findFirst().orElseThrow()
        .getValue(), "the DaemonSet");
    assertTrue(Files.readString(Path.of("README.md")).contains("bin/edgeport demo"), "the README's quick start");
  }

  @Test
  void systemdAcceptsTheUnit() throws Exception {
    Command.Result r = Command.run(60, List.of("systemd-analyze", "verify", "deploy/systemd/edgeport.service"));
    assertEquals(0, r.exit(), r.output());
    assertFalse(r.output().contains("edgeport.service"), "no warning about the unit: " + r.output());
  }
}
