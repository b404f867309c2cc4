package io.edgeport.translate.gatewayapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Gateway API rules that need no API server: hostname intersection, ReferenceGrants, namespace selectors. */
class GatewayApiTranslatorTest {

  @Test
  void hostnamesIntersectAsTheSpecSays() {
    assertEquals(List.of("*"), GatewayApiObjects.intersect(null, List.of()), "neither: every host");
    assertEquals(List.of("a.example.com"), GatewayApiObjects.intersect(null, List.of("a.example.com")));
    assertEquals(List.of("*.example.com"), GatewayApiObjects.intersect("*.example.com", List.of()));
    assertEquals(List.of("a.example.com", "*.b.example.com"),
        GatewayApiObjects.intersect("*.example.com", List.of("a.example.com", "*.b.example.com", "other.org")),
        "the route's more specific names within the listener's wildcard");
    assertEquals(List.of("a.example.com"), GatewayApiObjects.intersect("a.example.com", List.of("*.example.com")),
        "the listener's name, more specific than the route's wildcard");
    assertEquals(List.of(), GatewayApiObjects.intersect("a.example.com", List.of("b.example.com")));
    assertEquals(List.of(), GatewayApiObjects.intersect("*.example.com", List.of("example.com")),
        "a wildcard needs one more label");
  }

  static ReferenceGrant grant(String ns, String fromKind, String fromNs, String toKind, String toName) {
    return new ReferenceGrantBuilder().withNewMetadata().withName("g").withNamespace(ns).endMetadata().withNewSpec()
        .addNewFrom().withGroup(GatewayApiTranslator.GROUP).withKind(fromKind).withNamespace(fromNs).endFrom()
        .addNewTo().withGroup("").withKind(toKind).withName(toName).endTo().endSpec().build();
  }

  @Test
  void referenceGrantsAllowExactlyWhatTheyName() {
    List<ReferenceGrant> grants = List.of(grant("shop", "HTTPRoute", "web", "Service", "cart"));
    String g = GatewayApiTranslator.GROUP;
    assertTrue(GatewayApiObjects.granted(grants, g, "HTTPRoute", "web", "", "Service", "shop", "cart"));
    assertFalse(GatewayApiObjects.granted(grants, g, "HTTPRoute", "web", "", "Service", "shop", "other"), "another name");
    assertFalse(GatewayApiObjects.granted(grants, g, "HTTPRoute", "api", "", "Service", "shop", "cart"),
        "another namespace's routes");
    assertFalse(GatewayApiObjects.granted(grants, g, "Gateway", "web", "", "Service", "shop", "cart"), "another kind");
    assertFalse(GatewayApiObjects.granted(grants, g, "HTTPRoute", "web", "", "Service", "billing", "cart"),
        "a grant only counts in the namespace of what it grants");
    assertTrue(GatewayApiObjects.granted(List.of(grant("shop", "HTTPRoute", "web", "Service", null)), g, "HTTPRoute",
        "web", "", "Service", "shop", "anything"), "without a name: every Service there");
  }

  @Test
  void namespaceSelectorsMatchLabelsAndExpressions() {
    var selector = new LabelSelectorBuilder().addToMatchLabels("edge", "yes").addNewMatchExpression()
        .withKey("team").withOperator("In").withValues("a", "b").endMatchExpression().addNewMatchExpression()
        .withKey("frozen").withOperator("DoesNotExist").endMatchExpression().build();
    assertTrue(GatewayApiObjects.selects(selector, Map.of("edge", "yes", "team", "a")));
    assertFalse(GatewayApiObjects.selects(selector, Map.of("edge", "yes", "team", "c")));
    assertFalse(GatewayApiObjects.selects(selector, Map.of("edge", "yes", "team", "a", "frozen", "1")));
    assertFalse(GatewayApiObjects.selects(selector, Map.of("team", "a")));
    assertFalse(GatewayApiObjects.selects(null, Map.of()));
  }
}
