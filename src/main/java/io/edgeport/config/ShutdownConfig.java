package io.edgeport.config;

import java.time.Duration;

/** @param drain how long a stopping gateway lets requests in flight finish before it closes their connections */
public record ShutdownConfig(Duration drain) {
  public static final ShutdownConfig DEFAULTS = new ShutdownConfig(Duration.ofSeconds(30));
}
