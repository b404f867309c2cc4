package io.edgeport.translate.gatewayapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of an API object that the typed model does not know: those of a newer API version, or misspelt ones. The
 * model keeps them in {@code additionalProperties}; a translation that ignored them would serve something other than
 * what was asked, so a route that has one is not served (Accepted False, UnsupportedValue).
 */
final class UnknownFields {
  /** Fields the translation reads from {@code additionalProperties} itself: newer than fabric8's model. */
  private static final Map<Class<?>, Set<String>> READ = Map.of(SessionPersistence.class, Set.of("idleTimeout"));

  /** A model class's JSON properties (by name) and their getters, and its additionalProperties getter. */
  private record Shape(List<Map.Entry<String, Method>> properties, Method additional) {}

  private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      List<Map.Entry<String, Method>> properties = new ArrayList<>();
      Arrays.stream(type.getDeclaredFields()).filter(f -> f.isAnnotationPresent(JsonProperty.class)).forEach(f -> {
        Method getter = getter(type, "get" + Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1));
        if (getter != null) {
          properties.add(Map.entry(f.getAnnotation(JsonProperty.class).value(), getter));
        }
      });
      properties.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
      return new Shape(List.copyOf(properties), getter(type, "getAdditionalProperties"));
    }
  };

  private UnknownFields() {}

  private static Method getter(Class<?> type, String name) {
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /**
   * The path of the first unknown field within {@code node} (itself at {@code path}), its known fields walked in
   * name order, or null when it has none.
   */
  static String first(Object node, String path) {
    if (!(node instanceof KubernetesResource)) {
      return null; // a string, number or boolean: nothing within
    }
    Shape shape = SHAPES.get(node.getClass());
    Object extra = shape.additional() == null ? null : invoke(shape.additional(), node);
    if (extra instanceof Map<?, ?> map && !map.isEmpty()) {
      Set<String> read = READ.getOrDefault(node.getClass(), Set.of());
      for (Object key : new TreeSet<>(map.keySet().stream().map(String::valueOf).toList())) {
        if (!read.contains(key)) {
          return path + "." + key;
        }
      }
    }
    for (Map.Entry<String, Method> p : shape.properties()) {
      Object value = invoke(p.getValue(), node);
      String found = null;
      if (value instanceof List<?> list) {
        for (int i = 0; i < list.size() && found == null; i++) {
          found = first(list.get(i), path + "." + p.getKey() + "[" + i + "]");
        }
      } else {
        found = first(value, path + "." + p.getKey());
      }
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static Object invoke(Method getter, Object node) {
    try {
      return getter.invoke(node);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + getter + " of the API model", e);
    }
  }
}
