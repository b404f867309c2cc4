package io.edgeport.translate.gatewayapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.model.Domain;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.translate.SecretsRead;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.EdgeListeners;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Result;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import java.util.List;
import java.util.Set;
import java.util.Map;
import io.edgeport.model.ServiceInfo;
import io.edgeport.model.LoadBalancing;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Header filters of HTTPRoutes, translated: they may not touch the framing, Host, hop-by-hop or pseudo-headers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayApiHeaderFiltersTest {

  /** The Accepted condition of route default/r (one header filter of {@code type}) and the domains served. */
  private record Translated(Condition accepted, List<Domain> domains) {}

  private static Translated translate(String type, HTTPHeaderFilter filter) {
    var f = new HTTPRouteFilterBuilder().withType(type);
    f = type.equals("RequestHeaderModifier") ? f.withRequestHeaderModifier(filter) : f.withResponseHeaderModifier(filter);
    HTTPRoute route = new HTTPRouteBuilder().withNewMetadata().withName("r").withNamespace("default").endMetadata()
        .withNewSpec().withHostnames("api.example.com").addNewParentRef().withName("edge").endParentRef()
        .addNewRule().withFilters(f.build()).addNewBackendRef().withName("api").withPort(80).endBackendRef().endRule()
        .endSpec().build();
    Inputs in = new Inputs(
        List.of(new GatewayClassBuilder().withNewMetadata().withName("edgeport").endMetadata().withNewSpec()
            .withControllerName(GatewayApiTranslator.CONTROLLER).endSpec().build()),
        List.of(new GatewayBuilder().withNewMetadata().withName("edge").withNamespace("default").endMetadata()
            .withNewSpec().withGatewayClassName("edgeport").addNewListener().withName("http").withProtocol("HTTP")
            .withPort(80).endListener().endSpec().build()),
        List.of(route), List.of(), List.of(), List.of(), List.of(), Map.of("default/api", new ServiceInfo("default",
            "api", "NodePort", List.of(new ServiceInfo.Port("http", 80, 30080, "TCP")), false, 0, false, List.of(),
            null, 0, LoadBalancing.ROUND_ROBIN, null, Set.of())), SecretsRead.NONE, GatewayApiGoldenTest.FOLLOWED);
    Result result = GatewayApiTranslator.build(in, "edgeport", new EdgeListeners(80, 0), null);
    Condition accepted = result.routeStatus().get("default/r").parents().get(0).conditions().stream()
        .filter(c -> c.type() == Condition.Type.Accepted).findFirst().orElseThrow();
    return new Translated(accepted, result.domains());
  }

  private static void assertRefused(String type, HTTPHeaderFilter filter, String message) {
    Translated t = translate(type, filter);
    assertFalse(t.accepted().status(), message);
    assertEquals(Condition.Reason.UnsupportedValue, t.accepted().reason(), message);
    assertEquals(message, t.accepted().message());
    assertEquals(List.of(), t.domains(), "not served at all");
  }

  private static final String SETS_ITSELF =
      ": edgeport sets the framing, Host, hop-by-hop and pseudo-headers itself";

  @Test
  void framingHostHopByHopAndPseudoHeadersCannotBeSetAddedOrRemoved() {
    for (String name : List.of("content-length", "Transfer-Encoding", "connection", "host", "upgrade", "TE",
        "trailer", "keep-alive", "proxy-connection")) {
      String lower = name.toLowerCase();
      assertRefused("RequestHeaderModifier", new HTTPHeaderFilterBuilder().addNewSet().withName(name)
          .withValue("0").endSet().build(), "RequestHeaderModifier cannot change " + lower + SETS_ITSELF);
      assertRefused("ResponseHeaderModifier", new HTTPHeaderFilterBuilder().addNewAdd().withName(name)
          .withValue("close").endAdd().build(), "ResponseHeaderModifier cannot change " + lower + SETS_ITSELF);
      assertRefused("RequestHeaderModifier", new HTTPHeaderFilterBuilder().withRemove(name).build(),
          "RequestHeaderModifier cannot change " + lower + SETS_ITSELF);
    }
    assertRefused("RequestHeaderModifier", new HTTPHeaderFilterBuilder().addNewSet().withName(":path")
        .withValue("/admin").endSet().build(), "RequestHeaderModifier cannot change :path" + SETS_ITSELF);
    assertRefused("ResponseHeaderModifier", new HTTPHeaderFilterBuilder().withRemove(":status").build(),
        "ResponseHeaderModifier cannot change :status" + SETS_ITSELF);
  }

  @Test
  void namesAndValuesMustBeHeaderNamesAndValues() {
    assertRefused("RequestHeaderModifier", new HTTPHeaderFilterBuilder().addNewSet().withName("x a").withValue("1")
        .endSet().build(), "RequestHeaderModifier names 'x a', which is not a header name");
    assertRefused("ResponseHeaderModifier", new HTTPHeaderFilterBuilder().addNewAdd().withName("X-Note")
        .withValue("a\r\nSet-Cookie: x=1").endAdd().build(),
        "ResponseHeaderModifier gives x-note a value that is not a header value (a control character, or none)");
  }

  @Test
  void otherHeadersAreEditedAsAsked() {
    Translated t = translate("RequestHeaderModifier", new HTTPHeaderFilterBuilder().addNewSet().withName("X-Env")
        .withValue("prod\tblue").endSet().addNewAdd().withName("X-Content-Length-Hint").withValue("1").endAdd()
        .withRemove("X-Secret").build());
    assertTrue(t.accepted().status());
    assertEquals(1, t.domains().size());
    var edits = t.domains().get(0).paths().get(0).filters().requestHeaders();
    assertEquals(List.of(new NameValue("x-env", "prod\tblue")), edits.set());
    assertEquals(List.of(new NameValue("x-content-length-hint", "1")), edits.add());
    assertEquals(List.of("x-secret"), edits.remove());
    assertTrue(t.domains().get(0).gatewayApi());
  }
}
