package io.edgeport.model;

/** How a backend spreads requests over its nodes; the config names are the wire format. */
public enum LoadBalancing implements ConfigEnum {
  ROUND_ROBIN("round-robin"),
  /** Power of two choices on in-flight requests. */
  LEAST_REQUEST("least-request"),
  /** Consistent (rendezvous) hashing of the client address. */
  CLIENT_IP_HASH("client-ip-hash");

  private final String configName;

  LoadBalancing(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }

  public static LoadBalancing fromConfigName(String name) {
    return ConfigEnum.fromConfigName(LoadBalancing.class, name);
  }

  public static String choices() {
    return ConfigEnum.choices(LoadBalancing.class, " | ");
  }
}
