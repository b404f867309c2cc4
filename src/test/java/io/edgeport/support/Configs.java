package io.edgeport.support;

import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test configs: written to a real file and loaded as the CLI would. */
public final class Configs {
  private Configs() {}

  public static EdgeportConfig load(Path dir, String yaml) throws Exception {
    return ConfigLoader.load(write(dir, yaml)).config();
  }

  public static Path write(Path dir, String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "edgeport", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** A config that listens on 127.0.0.1:{@code port} and routes api.example.com to {@code nodes}. */
  public static String apiOn(int port, TestNodes nodes) {
    return """
        listen:
          http: "127.0.0.1:%d"
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        """.formatted(port, nodes(nodes), nodes.port());
  }

  /** A port free on 127.0.0.1 right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }

  /** The node list of {@code nodes} as YAML lines. */
  public static String nodes(TestNodes nodes) {
    return nodes(nodes.addresses());
  }

  /** A {@code nodes:} list of these addresses as YAML lines. */
  public static String nodes(java.util.List<String> addresses) {
    StringBuilder sb = new StringBuilder("nodes:\n");
    addresses.forEach(a -> sb.append("  - ").append(a).append('\n'));
    return sb.toString();
  }
}
