package io.edgeport.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** An enum whose constants are written in the config file by a name of their own ({@code round-robin}). */
public interface ConfigEnum {
  String configName();

  /** @return the constant named {@code name} in the config file, or null */
  static <E extends Enum<E> & ConfigEnum> E fromConfigName(Class<E> type, String name) {
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.configName().equals(name)).findFirst().orElse(null);
  }

  /** The names allowed, for error messages. */
  static <E extends Enum<E> & ConfigEnum> String choices(Class<E> type, String separator) {
    return Arrays.stream(type.getEnumConstants()).map(ConfigEnum::configName).collect(Collectors.joining(separator));
  }
}
