package io.edgeport.cli;

import io.edgeport.config.ConfigException;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.Problem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the gateway from a config file until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the gateway.")
final class RunCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/edgeport.yaml",
      description = "config file (default: ${DEFAULT-VALUE})")
  Path config;

  @Mixin
  ServeOptions serve;

  @Override
  public Integer call() {
    EdgeportConfig cfg;
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.load(config);
      loaded.warnings().forEach(w -> spec.commandLine().getErr().println(w.format(config.toString())));
      cfg = loaded.config();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().println(config + ": " + e.problems().stream().filter(Problem::isError).count()
          + " error(s); not started");
      return 1;
    }
    return Serving.serveUntilStopped(serve.apply(cfg), serve.workers(), spec.commandLine().getErr(), null);
  }
}
