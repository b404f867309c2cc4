package io.edgeport.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgeport.config.KubernetesConfig;
import io.edgeport.model.ClusterState;
import io.edgeport.model.HealthCheck;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.ServiceInfo;
import io.edgeport.translate.LoadBalancerServices;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules that turn API objects into a snapshot, on hand-made objects. */
class KubernetesTranslatorTest {
  static final KubernetesConfig DEFAULTS = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of(), "edgeport",
      null, KubernetesConfig.NodeHealth.KUBE_PROXY, 10256);

  static NodeBuilder node(String name) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus()
        .addNewAddress().withType("InternalIP").withAddress("10.0.0." + name.charAt(name.length() - 1)).endAddress()
        .addNewAddress().withType("ExternalIP").withAddress("203.0.113." + name.charAt(name.length() - 1)).endAddress()
        .endStatus();
  }

  @Test
  void loadBalancerServicesCarryTheirClassProtocolsAndAnnotations() {
    var svc = new ServiceBuilder().withNewMetadata().withName("db")
        .withNamespace("data").addToAnnotations("edgeport.io/proxy-protocol", "v2")
        .addToAnnotations("edgeport.io/load-balancing", "least-connections").endMetadata().withNewSpec()
        .withType("LoadBalancer").withLoadBalancerClass("edgeport.io/lb").addNewPort().withPort(5432).withNodePort(31000)
        .endPort().addNewPort().withName("dns").withProtocol("UDP").withPort(53).withNodePort(31053).endPort()
        .endSpec().build();
    ServiceInfo info = KubernetesTranslator.service(svc);
    assertEquals("edgeport.io/lb", info.loadBalancerClass());
    assertEquals(2, info.proxyProtocol());
    assertEquals(LoadBalancing.LEAST_REQUEST, info.loadBalancing());
    assertEquals(List.of("TCP", "UDP"), info.ports().stream().map(ServiceInfo.Port::protocol).toList(),
        "TCP when not given");
    var lb = new KubernetesConfig.LoadBalancerClass("edgeport.io/lb", List.of("203.0.113.10"), false,
        HealthCheck.DEFAULT, 0, 0);
    var ports = LoadBalancerServices.of(Map.of("data/db", info), lb);
    assertEquals(List.of("data/db:5432", "data/db:53"), ports.stream().map(p -> p.name()).toList());
    assertNull(ports.get(1).backend(), "UDP is not relayed");
    assertEquals(2, ports.get(0).backend().proxyProtocol());
    var other = new ServiceBuilder(svc).editSpec().withLoadBalancerClass(null)
        .endSpec().build();
    assertEquals(List.of(), LoadBalancerServices.of(Map.of("data/db", KubernetesTranslator.service(other)),
        lb), "no class, and the class is not the default");
    assertEquals(2, LoadBalancerServices.of(Map.of("data/db", KubernetesTranslator.service(other)),
        new KubernetesConfig.LoadBalancerClass("edgeport.io/lb", List.of(), true, lb.healthCheck(), 0, 0)).size());
  }

  @Test
  void theServiceControllersNodeRules() {
    assertNull(KubernetesTranslator.exclusion(node("n1").build(), DEFAULTS));
    assertNull(KubernetesTranslator.exclusion(node("n1").editSpec().withUnschedulable(true).endSpec().build(), DEFAULTS),
        "cordoned nodes stay: health checks decide");
    for (String falseValue : List.of("false", "False", "FALSE", "0", "f", "F")) {
      assertNull(KubernetesTranslator.exclusion(node("n1").editMetadata().addToLabels(KubernetesTranslator.EXCLUDE_LABEL, falseValue)
          .endMetadata().build(), DEFAULTS), falseValue);
    }
    assertEquals("label " + KubernetesTranslator.EXCLUDE_LABEL + "=",
        KubernetesTranslator.exclusion(node("n1").editMetadata().addToLabels(KubernetesTranslator.EXCLUDE_LABEL, "").endMetadata()
            .build(), DEFAULTS), "any other value, even empty, excludes");
    assertEquals("taint ToBeDeletedByClusterAutoscaler", KubernetesTranslator.exclusion(node("n1").withNewSpec().addNewTaint()
        .withKey("ToBeDeletedByClusterAutoscaler").withEffect("NoSchedule").endTaint().endSpec().build(), DEFAULTS));
    assertEquals("being deleted (deletionTimestamp 2026-11-25T00:00:00Z)", KubernetesTranslator.exclusion(node("n1")
        .editMetadata().withDeletionTimestamp("2026-11-25T00:00:00Z").endMetadata().build(), DEFAULTS));
    KubernetesConfig edgeOnly = new KubernetesConfig(null, null, List.of("InternalIP"), Map.of("edge", "true"), null,
        null, KubernetesConfig.NodeHealth.KUBE_PROXY, 10256);
    assertEquals("does not match nodeSelector edge=true", KubernetesTranslator.exclusion(node("n1").build(), edgeOnly));
    assertNull(KubernetesTranslator.exclusion(node("n1").editMetadata().addToLabels("edge", "true").endMetadata().build(),
        edgeOnly));
  }

  @Test
  void addressTypesAreTriedInOrder() {
    Node n = node("n3").build();
    assertEquals("10.0.0.3", KubernetesTranslator.address(n, List.of("InternalIP", "ExternalIP")));
    assertEquals("203.0.113.3", KubernetesTranslator.address(n, List.of("ExternalIP", "InternalIP")));
    Node internalOnly = new NodeBuilder().withNewMetadata().withName("x").endMetadata().withNewStatus()
        .addNewAddress().withType("InternalIP").withAddress("10.0.0.9").endAddress().endStatus().build();
    assertEquals("10.0.0.9", KubernetesTranslator.address(internalOnly, List.of("ExternalIP", "InternalIP")));
    ClusterState s = KubernetesTranslator.assemble(List.of(internalOnly), List.of(), List.of(),
        new KubernetesConfig(null, null, List.of("ExternalIP"), Map.of(), null, null,
            KubernetesConfig.NodeHealth.KUBE_PROXY, 10256), m -> { });
    assertEquals(Map.of("x", "no ExternalIP address"), s.excludedNodes());
  }

  static Ingress ingress(String name, String created, String host, String path, String pathType, String service) {
    return new IngressBuilder().withNewMetadata().withName(name).withNamespace("shop").withCreationTimestamp(created)
        .endMetadata().withNewSpec().withIngressClassName("edgeport").addNewRule().withHost(host).withNewHttp()
        .addNewPath().withPath(path).withPathType(pathType).withNewBackend().withNewService().withName(service)
        .withNewPort().withName("http").endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build();
  }

  @Test
  void ingressRulesBecomeDomainsAndTheOldestWinsAConflict() {
    List<String> log = new ArrayList<>();
    List<Ingress> all = List.of(
        ingress("newer", "2026-02-01T00:00:00Z", "shop.example.com", "/api", "Prefix", "api-v2"),
        ingress("older", "2026-01-01T00:00:00Z", "shop.example.com", "/api", "ImplementationSpecific", "api"),
        ingress("exact", "2026-03-01T00:00:00Z", "shop.example.com", "/health", "Exact", "health"));
    ClusterState s = KubernetesTranslator.assemble(List.of(), List.of(), all, DEFAULTS, log::add);
    assertEquals(1, s.discoveredDomains().size());
    List<PathRule> rules = s.discoveredDomains().get(0).paths();
    assertEquals(List.of("PREFIX /api shop/api:http", "EXACT /health shop/health:http"),
        rules.stream().map(r -> r.match() + " " + r.path() + " " + r.backend().service()).toList());
    assertEquals(List.of("ingress shop/newer: host shop.example.com path /api is already served by the older ingress"
        + " shop/older; ignored"), log);
  }
}
