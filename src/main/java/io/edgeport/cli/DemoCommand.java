package io.edgeport.cli;

import io.edgeport.config.ConfigException;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.demo.DemoNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A whole cluster on one machine: three simulated nodes on loopback and the gateway in front. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start three simulated nodes (127.0.0.2-4:30005) and the gateway routing api.example.com to them.")
final class DemoCommand implements Callable<Integer> {
  static final String RESOURCE = "/demo.yaml";

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
    EdgeportConfig config = serve.apply(ConfigLoader.parse("demo.yaml (built in)", yaml).config());
    PrintWriter out = spec.commandLine().getOut();
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

  static String embeddedConfig() {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
