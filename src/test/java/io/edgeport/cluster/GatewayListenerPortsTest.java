package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Await;
import io.edgeport.support.Configs;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.RawHttp;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gateway listeners name edgeport's listeners by port: when a reload moves {@code listen.http} (and nothing of the
 * {@code kubernetes} section changes), the listener on the new port serves and the one on the old port no longer.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GatewayListenerPortsTest extends MockApiTest {
  static final long WAIT = 15;

  String config(int httpPort) throws Exception {
    return apiConfig(httpPort, 0, "gatewayClass: edgeport", "");
  }

  void route(String name, String host, String section) {
    kube.resources(HTTPRoute.class).inNamespace("default").resource(new HTTPRouteBuilder().withNewMetadata()
        .withName(name).withNamespace("default").endMetadata().withNewSpec().withHostnames(host).addNewParentRef()
        .withName("edge").withSectionName(section).endParentRef().addNewRule().addNewBackendRef().withName("api-service")
        .withPort(80).endBackendRef().endRule().endSpec().build()).create();
  }

  /** Waits until the listener's Accepted condition, as edgeport wrote it, has this reason. */
  void awaitAccepted(String listener, String reason) {
    kube.resources(Gateway.class).inNamespace("default").withName("edge").waitUntilCondition(g -> g != null
        && g.getStatus() != null && g.getStatus().getListeners() != null && g.getStatus().getListeners().stream()
        .filter(l -> l.getName().equals(listener)).map(ListenerStatus::getConditions)
        .anyMatch(cs -> cs.stream().anyMatch(c -> c.getType().equals("Accepted") && c.getReason().equals(reason))),
        WAIT, TimeUnit.SECONDS);
  }

  static Condition condition(Gateway g, String listener, String type) {
    return g.getStatus().getListeners().stream().filter(l -> l.getName().equals(listener)).findFirst().orElseThrow()
        .getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void aReloadThatMovesListenHttpMovesTheGatewayListenersWithIt() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    kube.resources(GatewayClass.class).resource(new GatewayClassBuilder().withNewMetadata().withName("edgeport")
        .endMetadata().withNewSpec().withControllerName("edgeport.io/gateway-controller").endSpec().build()).create();
    int first = Configs.freePort();
    int second = Configs.freePort();
    kube.resources(Gateway.class).inNamespace("default").resource(new GatewayBuilder().withNewMetadata().withName("edge")
        .withNamespace("default").endMetadata().withNewSpec().withGatewayClassName("edgeport")
        .addNewListener().withName("first").withProtocol("HTTP").withPort(first).endListener()
        .addNewListener().withName("second").withProtocol("HTTP").withPort(second).endListener()
        .endSpec().build()).create();
    route("www", "www.example.com", "first");
    route("api", "api.example.com", "second");
    startGateway(config(first), 1);
    Await.until(gateway, g -> g.status().domains().stream().anyMatch(d -> d.host().equals("www.example.com"))
        && g.status().unavailable().isEmpty(), WAIT);
    awaitAccepted("first", "Accepted");
    awaitAccepted("second", "PortUnavailable");
    assertEquals(200, RawHttp.get(first, "www.example.com", "/").status());
    assertEquals(404, RawHttp.get(first, "api.example.com", "/").status(), "its listener is not edgeport's port");

    gateway.reload(Configs.load(dir, config(second)), "test").await(40, TimeUnit.SECONDS);

    assertEquals(second, gateway.port());
    assertTrue(gateway.status().domains().stream().anyMatch(d -> d.host().equals("api.example.com")),
        "the reload's own generation serves the route of the listener on the new port: " + gateway.status().domains());
    assertEquals(200, RawHttp.get(second, "api.example.com", "/").status());
    assertEquals(404, RawHttp.get(second, "www.example.com", "/").status(), "its listener is on the old port");
    awaitAccepted("second", "Accepted");
    awaitAccepted("first", "PortUnavailable");
    Gateway g = kube.resources(Gateway.class).inNamespace("default").withName("edge").get();
    assertEquals("True", condition(g, "second", "Programmed").getStatus());
    assertEquals("False", condition(g, "first", "Programmed").getStatus());
    assertTrue(condition(g, "first", "Accepted").getMessage().contains("port 80 (or " + second + "), not " + first),
        condition(g, "first", "Accepted").getMessage());
  }
}
