package io.edgeport.cli;

import io.edgeport.config.ConfigException;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Validates a config file: every problem with its place, or a one-line summary. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate a config file and print every problem as FILE:LINE:COL: message.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the file is valid (warnings may be printed)",
        "1:the file has errors"})
final class CheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/edgeport.yaml",
      description = "config file (default: ${DEFAULT-VALUE})")
  Path config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.load(config);
      for (Problem warning : loaded.warnings()) {
        err.println(warning.format(config.toString()));
      }
      out.println(config + ": OK: " + loaded.config().summary());
      return 0;
    } catch (ConfigException e) {
      err.println(e.getMessage());
      long errors = e.problems().stream().filter(Problem::isError).count();
      err.println(config + ": " + errors + " error(s)");
      return 1;
    }
  }
}
