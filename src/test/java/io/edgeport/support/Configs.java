package io.edgeport.support;

import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test configs: written to a real file and loaded as the CLI would. */
public final class Configs {
  private Configs() {}

  public static EdgeportConfig load(Path dir, String yaml) throws Exception {
    Path file = Files.createTempFile(dir, "edgeport", ".yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file).config();
  }

  /** The node list of {@code nodes} as YAML lines. */
  public static String nodes(TestNodes nodes) {
    StringBuilder sb = new StringBuilder("nodes:\n");
    nodes.addresses().forEach(a -> sb.append("  - ").append(a).append('\n'));
    return sb.toString();
  }
}
