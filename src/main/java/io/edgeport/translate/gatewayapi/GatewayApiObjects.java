package io.edgeport.translate.gatewayapi;

import io.edgeport.model.Domain;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The Gateway API's rules about objects that need no translation state: keys, order, grants, selectors, hostnames. */
public final class GatewayApiObjects {
  private GatewayApiObjects() {}

  public static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** Oldest first, then by namespace/name: the spec's order for conflicts and ties. */
  public static <T extends HasMetadata> List<T> oldestFirst(List<T> objects) {
    return objects.stream().sorted(Comparator.comparing((T o) ->
            Objects.requireNonNullElse(o.getMetadata().getCreationTimestamp(), ""))
        .thenComparing(GatewayApiObjects::key)).toList();
  }

  static List<Listener> listeners(Gateway g) {
    return Objects.requireNonNullElse(g.getSpec().getListeners(), List.of());
  }

  /** Does a ReferenceGrant in {@code toNs} let objects of kind {@code fromKind} in {@code fromNs} refer to it? */
  public static boolean granted(List<ReferenceGrant> grants, String fromGroup, String fromKind, String fromNs,
      String toGroup, String toKind, String toNs, String toName) {
    for (ReferenceGrant grant : grants) {
      if (!grant.getMetadata().getNamespace().equals(toNs) || grant.getSpec() == null) {
        continue;
      }
      boolean from = Objects.requireNonNullElse(grant.getSpec().getFrom(), List.<ReferenceGrantFrom>of()).stream()
          .anyMatch(f -> fromGroup.equals(Objects.requireNonNullElse(f.getGroup(), "")) && fromKind.equals(f.getKind())
              && fromNs.equals(f.getNamespace()));
      boolean to = Objects.requireNonNullElse(grant.getSpec().getTo(), List.<ReferenceGrantTo>of()).stream()
          .anyMatch(t -> toGroup.equals(Objects.requireNonNullElse(t.getGroup(), "")) && toKind.equals(t.getKind())
              && (t.getName() == null || t.getName().isEmpty() || t.getName().equals(toName)));
      if (from && to) {
        return true;
      }
    }
    return false;
  }

  /** A label selector against labels: every matchLabels entry and every matchExpressions requirement. */
  public static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    for (LabelSelectorRequirement r : Objects.requireNonNullElse(selector.getMatchExpressions(),
        List.<LabelSelectorRequirement>of())) {
      String value = labels.get(r.getKey());
      List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
      boolean ok = switch (r.getOperator()) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> labels.containsKey(r.getKey());
        case "DoesNotExist" -> !labels.containsKey(r.getKey());
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * The hostnames a route serves through a listener (Gateway API's intersection): the listener's when the route
   * has none, the route's when the listener has none ({@code *} when neither has), else each route hostname that
   * matches the listener's, the more specific of the two.
   */
  public static List<String> intersect(String listener, List<String> route) {
    if (listener == null) {
      return route.isEmpty() ? List.of(Domain.ANY_HOST) : route;
    }
    if (route.isEmpty()) {
      return List.of(listener);
    }
    List<String> out = new ArrayList<>();
    for (String h : route) {
      if (h.equals(listener) || wildcardCovers(listener, h)) {
        out.add(h);
      } else if (wildcardCovers(h, listener)) {
        out.add(listener);
      }
    }
    return out;
  }

  private static boolean wildcardCovers(String pattern, String host) {
    return pattern.startsWith("*.") && host.endsWith(pattern.substring(1))
        && host.length() > pattern.length() - 1 && !host.equals(pattern);
  }
}
