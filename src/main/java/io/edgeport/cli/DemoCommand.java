package io.edgeport.cli;

import io.edgeport.config.ConfigException;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.ListenAddress;
import io.edgeport.demo.DemoNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A whole cluster on one machine: three simulated nodes on loopback and the gateway in front, on port 80, or on
 * {@link #FALLBACK_PORT} when this process may not listen on 80 (a newcomer's first command must not need root).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start three simulated nodes (127.0.0.2-4:30005) and the gateway routing api.example.com to them,"
        + " on port 80 (8080 when port 80 needs root or is taken; --port picks one).")
final class DemoCommand implements Callable<Integer> {
  static final String RESOURCE = "/demo.yaml";
  /** Where the demo listens when it cannot listen on port 80, the port of its built-in config. */
  static final int FALLBACK_PORT = 8080;

  @Spec
  CommandSpec spec;

  @Mixin
  ServeOptions serve;

  @Option(names = "--node-port", paramLabel = "PORT", defaultValue = "30005",
      description = "the nodePort the simulated nodes serve (default: ${DEFAULT-VALUE})")
  int nodePort;

  @Override
  public Integer call() throws ConfigException {
    String yaml = embeddedConfig().replace("nodePort: 30005", "nodePort: " + nodePort);
    PrintWriter out = spec.commandLine().getOut();
    EdgeportConfig config = listenable(serve.apply(ConfigLoader.parse("demo.yaml (built in)", yaml).config()), out);
    int port = config.listen().http().port();
    String base = "http://127.0.0.1" + (port == 80 ? "" : ":" + port);
    out.println("edgeport demo: nodes " + String.join(", ", config.nodes()) + " serve nodePort " + nodePort
        + "; the gateway routes api.example.com to all of them. Try:");
    out.println("  curl -H 'Host: api.example.com' " + base + "/        # run it a few times: node-1, node-2, node-3");
    out.println("  curl -i -H 'Host: unknown.example.com' " + base + "/   # 404: only configured hosts are served");
    if (config.admin() != null) {
      out.println("  dashboard: http://" + config.admin().bindHost() + ":" + config.admin().port()
          + "/   (also /metrics, /api/status; or: java -jar edgeport.jar status --admin " + config.admin() + ")");
    }
    out.println("Stop with Ctrl-C.");
    out.flush();
    serve.applyLogLevel();
    return Serving.serveUntilStopped(config, null, serve::apply, serve.workers(), spec.commandLine().getErr(),
        vertx -> DemoNodes.start(vertx, config.nodes(), nodePort), Extensions::standard);
  }

  /**
   * The demo's config as it can listen: on its port 80, or on {@link #FALLBACK_PORT} when this process cannot
   * listen there, with one line saying so. A port given with --port is never moved.
   */
  private EdgeportConfig listenable(EdgeportConfig config, PrintWriter out) {
    ListenAddress http = config.listen().http();
    String refused = serve.port == null ? whyNotListening(http) : null;
    if (refused == null) {
      return config;
    }
    out.println("edgeport demo: cannot listen on port " + http.port() + " (" + refused + "): listening on "
        + FALLBACK_PORT + " instead (as root the demo takes port " + http.port() + "; --port picks another)");
    return config.withListen(config.listen().withHttp(new ListenAddress(http.host(), FALLBACK_PORT)));
  }

  /** Why this process cannot listen on {@code address} now (a privileged port without root, a taken one), or null. */
  private static String whyNotListening(ListenAddress address) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(address.bindHost(), address.port()));
      return null;
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage());
      return why.contains("Permission denied") ? "ports below 1024 need root or CAP_NET_BIND_SERVICE" : why;
    }
  }

  static String embeddedConfig() {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
