package io.edgeport.cli;

import io.edgeport.config.ConfigException;
import io.edgeport.config.ConfigLoader;
import io.edgeport.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -c/--config FILE} option of the commands that read a config file, and its loading. */
final class ConfigFile {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "config/edgeport.yaml",
      description = "config file (default: ${DEFAULT-VALUE})")
  Path path;

  /**
   * Loads and validates the file, printing its warnings, or every error with a count.
   *
   * @return the config, or null when the file has errors
   */
  ConfigLoader.Loaded load(PrintWriter err, String whenInvalid) {
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.load(path);
      loaded.warnings().forEach(w -> err.println(w.format(path.toString())));
      return loaded;
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.println(path + ": " + e.problems().stream().filter(Problem::isError).count() + " error(s)" + whenInvalid);
      return null;
    }
  }
}
