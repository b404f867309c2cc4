package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Await;
import io.edgeport.support.Configs;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.RawHttp;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An object that no translator foresaw (here an HTTPRoute without a spec: the CRD forbids it, the mock API does not
 * check) makes the translation of the Gateway API throw. That is logged and shown by status, the Gateway API's last
 * translation keeps serving, Nodes and Services are still followed, and a reload still applies as a whole (its
 * listener moved, the Gateway listeners checked against the new port).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TranslationFailureTest extends MockApiTest {
  static final long WAIT = 15;

  String config(int httpPort) throws Exception {
    return apiConfig(httpPort, 0, "gatewayClass: edgeport", """
        domains:
          - host: later.example.com
            service: default/later-service
        """);
  }

  /** The GatewayClass edgeport serves and a Gateway "edge" of it with an HTTP listener on port 80. */
  void edgeGateway() {
    kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class).resource(new GatewayClassBuilder()
        .withNewMetadata().withName("edgeport").endMetadata().withNewSpec()
        .withControllerName("edgeport.io/gateway-controller").endSpec().build()).create();
    kube.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class).inNamespace("default")
        .resource(new GatewayBuilder().withNewMetadata().withName("edge").withNamespace("default").endMetadata()
            .withNewSpec().withGatewayClassName("edgeport").addNewListener().withName("http").withProtocol("HTTP")
            .withPort(80).endListener().endSpec().build()).create();
  }

  /** An HTTPRoute for www.example.com on the Gateway "edge", to api-service. */
  void wwwRoute() {
    kube.resources(HTTPRoute.class).inNamespace("default").resource(new HTTPRouteBuilder().withNewMetadata()
        .withName("www").withNamespace("default").endMetadata().withNewSpec().withHostnames("www.example.com")
        .addNewParentRef().withName("edge").endParentRef().addNewRule().addNewBackendRef().withName("api-service")
        .withPort(80).endBackendRef().endRule().endSpec().build()).create();
  }

  @Test
  void anObjectThatBreaksTheTranslationLeavesTheLastStateServingAndReloadsWhole() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    edgeGateway();
    wwwRoute();
    startGateway(config(Configs.freePort()), 1);
    Await.until(gateway, g -> g.status().domains().stream().anyMatch(d -> d.host().equals("www.example.com"))
        && g.status().unavailable().size() == 1, WAIT);
    assertEquals(List.of(), gateway.status().source().translationFailures());

    kube.resources(HTTPRoute.class).inNamespace("default").resource(new HTTPRouteBuilder().withNewMetadata()
        .withName("broken").withNamespace("default").endMetadata().build()).create();
    Await.until(gateway, g -> g.status().source().translationFailures().size() == 1, WAIT);
    assertTrue(gateway.status().source().translationFailures().get(0)
        .contains("cannot translate the Gateway API objects"), gateway.status().source().translationFailures().get(0));
    assertEquals(200, RawHttp.get(gateway.port(), "www.example.com", "/").status(), "its last translation serves");
    kube.services().resource(nodePortService("later-service", nodes.port())).create();
    Await.until(gateway, g -> g.status().unavailable().isEmpty(), WAIT);
    assertEquals(200, RawHttp.get(gateway.port(), "later.example.com", "/").status(), "Services are still followed");

    int second = Configs.freePort();
    gateway.reload(Configs.load(dir, config(second)), "test").await(40, TimeUnit.SECONDS);
    assertEquals(second, gateway.port(), "the reload applied whole: " + gateway.status().lastReload());
    assertEquals(200, RawHttp.get(second, "www.example.com", "/").status());

    kube.resources(HTTPRoute.class).inNamespace("default").withName("broken").delete();
    Await.until(gateway, g -> g.status().source().translationFailures().isEmpty(), WAIT);
  }

  @Test
  void aServiceThatBreaksTheTranslationLeavesTheGatewayApiFollowed() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    edgeGateway();
    startGateway(config(Configs.freePort()), 1);

    // a Service without a spec (the API server would default one; the mock does not)
    kube.services().resource(new ServiceBuilder().withNewMetadata().withName("broken").withNamespace("default")
        .endMetadata().build()).create();
    Await.until(gateway, g -> g.status().source().translationFailures().size() == 1, WAIT);
    assertTrue(gateway.status().source().translationFailures().get(0)
        .contains("cannot translate the Nodes, Services and Ingresses"), gateway.status().source().translationFailures()
        .get(0));
    wwwRoute();
    Await.until(gateway, g -> g.status().domains().stream().anyMatch(d -> d.host().equals("www.example.com"))
        && g.status().unavailable().size() == 1, WAIT);
    assertEquals(200, RawHttp.get(gateway.port(), "www.example.com", "/").status(),
        "the Gateway API is followed, onto the Services as last translated");

    kube.services().inNamespace("default").withName("broken").delete();
    Await.until(gateway, g -> g.status().source().translationFailures().isEmpty(), WAIT);
  }
}
