package io.edgeport.cli;

import io.edgeport.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs the gateway from a config file until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the gateway.")
final class RunCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFile config;

  @Mixin
  ServeOptions serve;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = config.load(spec.commandLine().getErr(), "; not started");
    if (loaded == null) {
      return 1;
    }
    serve.applyLogLevel();
    return Serving.serveUntilStopped(serve.apply(loaded.config()), config.path, serve::apply, serve.workers(),
        spec.commandLine().getErr(), null, Extensions::standard);
  }
}
