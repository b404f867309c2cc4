package io.edgeport.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.admin.AdminServer;
import io.edgeport.support.Await;
import io.edgeport.support.Browser;
import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.GatewayApiCrds;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.RawHttp;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster without the Gateway API CRDs (most clusters), or with only its core kinds, with
 * {@code kubernetes.gatewayClass} set as the shipped ConfigMap sets it: edgeport starts, serves what it can and shows
 * what is missing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WithoutGatewayApiTest extends MockApiTest {
  /** The core kinds: without them none of the Gateway API is served. */
  static final List<String> MISSING = List.of("gatewayclasses.gateway.networking.k8s.io/v1",
      "gateways.gateway.networking.k8s.io/v1", "httproutes.gateway.networking.k8s.io/v1");

  @Override
  protected KubernetesCrudDispatcher newDispatcher() {
    return new GatewayApiCrds();
  }

  @Test
  void edgeportStartsServesServicesAndIngressesAndShowsTheMissingApi() throws Exception {
    createNodes(3);
    kube.services().resource(nodePortService("api-service", nodes.port())).create();
    kube.network().v1().ingresses().resource(new IngressBuilder().withNewMetadata().withName("shop")
        .withNamespace("default").endMetadata().withNewSpec().withIngressClassName("edgeport").addNewRule()
        .withHost("shop.example.com").withNewHttp().addNewPath().withPath("/").withPathType("Prefix").withNewBackend()
        .withNewService().withName("api-service").withNewPort().withNumber(80).endPort().endService().endBackend()
        .endPath().endHttp().endRule().endSpec().build()).create();
    int admin = Configs.freePort();
    startOnApi("gatewayClass: edgeport\ningressClass: edgeport", """
        admin: "127.0.0.1:%d"
        domains:
          - host: api.example.com
            service: default/api-service
        """.formatted(admin), new AdminServer(vertx, "edgeport test"));

    Await.until(gateway, g -> g.status().unavailable().isEmpty()
        && g.status().cluster().discoveredDomains().size() == 1, 15);
    assertEquals(200, RawHttp.get(gateway.port(), "api.example.com", "/").status(), "a Service of the config file");
    assertEquals(200, RawHttp.get(gateway.port(), "shop.example.com", "/").status(), "an Ingress");
    assertEquals(MISSING, gateway.status().source().missingGatewayApi());

    JsonObject cluster = new JsonObject(Curl.run("http://127.0.0.1:" + admin + "/api/status").body())
        .getJsonObject("cluster");
    assertEquals("connected", cluster.getString("state"), "a missing API is not a lost connection");
    JsonObject gatewayApi = cluster.getJsonObject("gatewayApi");
    assertFalse(gatewayApi.getBoolean("installed"), cluster.encode());
    assertEquals(new JsonArray(MISSING), gatewayApi.getJsonArray("missing"));
    assertEquals(new JsonArray(), gatewayApi.getJsonArray("unserved"), "optional kinds are not asked without the core");
    assertEquals("edgeport", gatewayApi.getString("gatewayClass"));

    String dom = Browser.renderedDom(dir, admin);
    int notice = dom.indexOf("data-notice=\"gateway-api-missing\"");
    assertTrue(notice >= 0, dom.substring(0, Math.min(dom.length(), 3000)));
    assertTrue(dom.substring(notice).startsWith("data-notice=\"gateway-api-missing\">The cluster does not serve the"
        + " Gateway API (" + String.join(", ", MISSING) + " not found"), dom.substring(notice));
  }

  /** The core kinds only (no GRPCRoute, ReferenceGrant or BackendLBPolicy CRD): the Gateway API is served. */
  @Test
  void withTheCoreKindsOnlyStatusNamesTheOptionalOnesNotServed() throws Exception {
    ((GatewayApiCrds) dispatcher).install(GatewayApiCrds.CORE);
    int admin = Configs.freePort();
    startOnApi("gatewayClass: edgeport", """
        admin: "127.0.0.1:%d"
        """.formatted(admin), new AdminServer(vertx, "edgeport test"));
    Await.until(gateway, g -> g.status().source().unservedGatewayApi().size() == 3, 15);

    JsonObject gatewayApi = new JsonObject(Curl.run("http://127.0.0.1:" + admin + "/api/status").body())
        .getJsonObject("cluster").getJsonObject("gatewayApi");
    assertTrue(gatewayApi.getBoolean("installed"), "no notice that it is missing: " + gatewayApi.encode());
    assertEquals(new JsonArray(), gatewayApi.getJsonArray("missing"));
    List<String> unserved = gatewayApi.getJsonArray("unserved").stream().map(String::valueOf).toList();
    assertEquals(3, unserved.size(), unserved.toString());
    assertTrue(unserved.get(0).startsWith("grpcroutes.gateway.networking.k8s.io/v1 not found"), unserved.get(0));
    assertTrue(unserved.get(0).endsWith("GRPCRoutes are not served"), unserved.get(0));
    assertTrue(unserved.get(1).startsWith("referencegrants.gateway.networking.k8s.io/v1 or v1beta1 not found"),
        unserved.get(1));
    assertTrue(unserved.get(2).startsWith("backendlbpolicies.gateway.networking.k8s.io/v1alpha2 not found"),
        unserved.get(2));
  }
}
