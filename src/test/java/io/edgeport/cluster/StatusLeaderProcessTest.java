package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.JavaProcess;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.RawHttp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two edgeport processes against one API server: both serve, exactly one (the Lease holder) writes status, and
 * when it is killed the other takes over within the lease duration.
 */
class StatusLeaderProcessTest extends MockApiTest {
  static final int LEASE_SECONDS = 3;
  JavaProcess a;
  JavaProcess b;

  @AfterEach
  void stopProcesses() throws Exception {
    for (JavaProcess p : new JavaProcess[] {a, b}) {
      if (p != null) {
        p.close();
      }
    }
  }

  JavaProcess edgeport(String name, int port) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        listen:
          http: "127.0.0.1:%d"
        kubernetes:
          kubeconfig: %s
          kubeProxyHealthPort: %d
          gatewayClass: edgeport
          publishAddress: 203.0.113.10
          leaderElection: {namespace: default, leaseDuration: %ds}
          loadBalancer: {class: edgeport.io/lb, addresses: [127.0.0.%d]}
        """.formatted(port, kubeconfig(), kubeProxy.port(), LEASE_SECONDS, name.equals("a") ? 11 : 12));
    return JavaProcess.start(dir, "run", "--config", file.toString());
  }

  static HTTPRoute route() {
    return new HTTPRouteBuilder().withNewMetadata().withName("api").withNamespace("default").endMetadata()
        .withNewSpec().withHostnames("api.example.com").addNewParentRef().withName("edge").endParentRef()
        .addNewRule().addNewBackendRef().withName("api-service").withPort(80).endBackendRef().endRule()
        .endSpec().build();
  }

  /** The generation that edgeport's Accepted condition of the route reports, or 0. */
  long reportedGeneration() {
    HTTPRoute r = kube.resources(HTTPRoute.class).inNamespace("default").withName("api").get();
    if (r == null || r.getStatus() == null) {
      return 0;
    }
    return r.getStatus().getParents().stream().flatMap(p -> p.getConditions().stream())
        .filter(c -> c.getType().equals("Accepted") && "True".equals(c.getStatus()))
        .map(Condition::getObservedGeneration).findFirst().orElse(0L);
  }

  @Test
  void exactlyOneReplicaWritesStatusAndAnotherTakesOverWhenItDies() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    kube.resources(GatewayClass.class).resource(new GatewayClassBuilder().withNewMetadata().withName("edgeport")
        .endMetadata().withNewSpec().withControllerName("edgeport.io/gateway-controller").endSpec().build()).create();
    kube.resources(Gateway.class).inNamespace("default").resource(new GatewayBuilder().withNewMetadata()
        .withName("edge").withNamespace("default").endMetadata().withNewSpec().withGatewayClassName("edgeport")
        .addNewListener().withName("http").withProtocol("HTTP").withPort(80).endListener().endSpec().build()).create();
    kube.resources(HTTPRoute.class).inNamespace("default").resource(route()).create();
    kube.services().resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("db")
        .withNamespace("default").endMetadata().withNewSpec().withType("LoadBalancer")
        .withLoadBalancerClass("edgeport.io/lb").addNewPort().withPort(Configs.freePort()).withNodePort(nodes.port())
        .endPort().endSpec().build()).create();

    int portA = Configs.freePort();
    int portB = Configs.freePort();
    a = edgeport("a", portA);
    a.awaitLine("holds lease default/edgeport-status", 40);
    b = edgeport("b", portB);
    b.awaitLine("edgeport listening", 40);
    Lease lease = kube.leases().inNamespace("default").withName("edgeport-status").get();
    assertTrue(lease.getSpec().getHolderIdentity().contains("_" + a.pid() + "_"),
        "A holds the lease: " + lease.getSpec());

    // both serve
    io.edgeport.support.Poll.until(() -> status(portA) == 200 && status(portB) == 200, 20, "both replicas serve");

    // a change: A writes its status, B does not write at all
    retryOnConflict(() -> kube.resources(HTTPRoute.class).inNamespace("default").withName("api").edit(r -> {
      r.getSpec().setHostnames(List.of("api.example.com", "www.example.com"));
      return r;
    }));
    io.edgeport.support.Poll.until(() -> reportedGeneration() == 2, 20, "the route's new generation reported");
    io.edgeport.support.Poll.until(() -> status(portB, "www.example.com") == 200, 20, "B serves the new hostname");
    assertTrue(a.output().stream().anyMatch(l -> l.contains("writing the status of httproute default/api")));
    a.awaitLine("writing the status of service default/db", 20); // the LoadBalancer Service's address, by A
    assertTrue(b.output().stream().noneMatch(l -> l.contains("writing the status of")),
        "the replica without the lease writes nothing: " + b.output());

    // A dies without releasing the lease: B takes over once it expires
    a.kill();
    long killed = System.nanoTime();
    b.awaitLine("holds lease default/edgeport-status", LEASE_SECONDS + 15);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    assertTrue(tookMillis < (LEASE_SECONDS + 3) * 1000L, "B took over " + tookMillis + " ms after A died");
    retryOnConflict(() -> kube.resources(HTTPRoute.class).inNamespace("default").withName("api").edit(r -> {
      r.getSpec().setHostnames(List.of("api.example.com"));
      return r;
    }));
    io.edgeport.support.Poll.until(() -> reportedGeneration() == 3, 20, "B reports the route's next generation");
    assertEquals(200, status(portB));
  }

  static int status(int port) {
    return status(port, "api.example.com");
  }

  static int status(int port, String host) {
    try {
      return RawHttp.get(port, host, "/").status();
    } catch (Exception e) {
      return -1;
    }
  }
}
