package io.edgeport.translate.gatewayapi;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKindBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import java.util.List;

/**
 * {@link ObjectStatus} values → the API's status objects, as the status writer puts them (without transition
 * times).
 */
public final class StatusObjects {
  private StatusObjects() {}

  public static GatewayClassStatus of(ObjectStatus.GatewayClass status) {
    return new GatewayClassStatusBuilder().withConditions(conditions(status.conditions(), status.generation()))
        .withSupportedFeatures(status.supportedFeatures().stream().map(SupportedFeature::new).toList()).build();
  }

  public static GatewayStatus of(ObjectStatus.Gateway status) {
    List<ListenerStatus> listeners = status.listeners().stream().map(l -> new ListenerStatusBuilder()
        .withName(l.name()).withConditions(conditions(l.conditions(), status.generation()))
        .withSupportedKinds(l.supportedKinds().stream()
            .map(k -> new RouteGroupKindBuilder().withGroup(GatewayApiTranslator.GROUP).withKind(k).build()).toList())
        .withAttachedRoutes(l.attachedRoutes()).build()).toList();
    GatewayStatusBuilder out = new GatewayStatusBuilder().withListeners(listeners)
        .withConditions(conditions(status.conditions(), status.generation()));
    if (status.address() != null) {
      out.withAddresses(new GatewayStatusAddressBuilder().withType(status.address().type())
          .withValue(status.address().value()).build());
    }
    return out.build();
  }

  /** The route's status for the parents edgeport serves (those of other controllers are the writer's to keep). */
  public static List<RouteParentStatus> of(ObjectStatus.Route status) {
    return status.parents().stream().map(p -> new RouteParentStatusBuilder()
        .withControllerName(GatewayApiTranslator.CONTROLLER)
        .withParentRef(new ParentReferenceBuilder().withGroup(GatewayApiTranslator.GROUP).withKind("Gateway")
            .withNamespace(p.parentRef().namespace()).withName(p.parentRef().name())
            .withSectionName(p.parentRef().sectionName()).withPort(p.parentRef().port()).build())
        .withConditions(conditions(p.conditions(), status.generation())).build()).toList();
  }

  private static List<io.fabric8.kubernetes.api.model.Condition> conditions(List<Condition> conditions, Long generation) {
    return conditions.stream().map(c -> new ConditionBuilder().withType(c.type().name())
        .withStatus(c.status() ? "True" : "False").withReason(c.reason().name()).withMessage(c.message())
        .withObservedGeneration(generation).build()).toList();
  }
}
