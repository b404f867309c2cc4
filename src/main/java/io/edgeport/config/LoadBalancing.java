package io.edgeport.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a backend spreads requests over its nodes; the config names are the wire format. */
public enum LoadBalancing {
  ROUND_ROBIN("round-robin"),
  /** Power of two choices on in-flight requests. */
  LEAST_REQUEST("least-request"),
  /** Consistent (rendezvous) hashing of the client address. */
  CLIENT_IP_HASH("client-ip-hash");

  private final String configName;

  LoadBalancing(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static LoadBalancing fromConfigName(String name) {
    for (LoadBalancing lb : values()) {
      if (lb.configName.equals(name)) {
        return lb;
      }
    }
    return null;
  }

  public static String choices() {
    return Arrays.stream(values()).map(LoadBalancing::configName).collect(Collectors.joining(" | "));
  }
}
