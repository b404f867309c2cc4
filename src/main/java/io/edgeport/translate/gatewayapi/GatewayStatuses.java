package io.edgeport.translate.gatewayapi;

import static io.edgeport.translate.gatewayapi.Condition.fails;
import static io.edgeport.translate.gatewayapi.Condition.holds;

import io.edgeport.net.Cidr;
import io.edgeport.translate.gatewayapi.Condition.Reason;
import io.edgeport.translate.gatewayapi.Condition.Type;
import io.edgeport.translate.gatewayapi.GatewayListeners.Slot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import java.util.List;
import java.util.Map;

/** The status of the served GatewayClass and of each served Gateway, with its listeners'. */
final class GatewayStatuses {
  private GatewayStatuses() {}

  static ObjectStatus.GatewayClass of(GatewayClass served, GatewayApiTranslator.EdgeListeners edge,
      java.util.Set<String> followed) {
    return new ObjectStatus.GatewayClass(served.getMetadata().getGeneration(),
        List.of(new Condition(Type.Accepted, true, Reason.Accepted, "served by edgeport")),
        GatewayApiTranslator.supportedFeatures(edge, followed));
  }

  /**
   * A Gateway is Accepted whatever its listeners (ListenersNotValid says some cannot be served), and Programmed
   * when at least one can be.
   *
   * @param slots    its listeners, in its order
   * @param attached the routes attached to each listener
   * @param publishAddress the address edgeport is reached at, or null
   */
  static ObjectStatus.Gateway of(Gateway g, List<Slot> slots, Map<Slot, Integer> attached, String publishAddress) {
    boolean anyUsable = slots.stream().anyMatch(Slot::usable);
    boolean allUsable = slots.stream().allMatch(Slot::usable);
    List<ObjectStatus.Listener> listeners = slots.stream().map(s -> new ObjectStatus.Listener(s.listener().getName(),
        s.conditions(), s.kinds(), attached.getOrDefault(s, 0))).toList();
    List<Condition> conditions = List.of(
        allUsable ? holds(Type.Accepted) : new Condition(Type.Accepted, true, Reason.ListenersNotValid,
            "some listeners cannot be served; see their conditions"),
        anyUsable ? holds(Type.Programmed) : fails(Type.Programmed, Reason.Invalid, "no listener can be served"));
    ObjectStatus.Address address = publishAddress == null ? null : new ObjectStatus.Address(
        Cidr.IpLiterals.parse(publishAddress) != null ? "IPAddress" : "Hostname", publishAddress);
    return new ObjectStatus.Gateway(g.getMetadata().getGeneration(), conditions, listeners, address);
  }
}
