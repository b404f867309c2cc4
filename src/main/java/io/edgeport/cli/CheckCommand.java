package io.edgeport.cli;

import io.edgeport.config.ConfigLoader;
import io.edgeport.control.CertificateSources;
import io.edgeport.tls.CertificateLoader;
import io.edgeport.tls.Certificates;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Validates a config file and the certificate files it names: every problem with its place, or a one-line summary. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate a config file and print every problem as FILE:LINE:COL: message.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the file is valid (warnings may be printed)",
        "1:the file has errors"})
final class CheckCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigFile config;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = config.load(spec.commandLine().getErr(), "");
    if (loaded == null) {
      return 1;
    }
    try {
      // the certificate files (and the ACME section's files) as a start or reload would read them now
      CertificateSources.loadChecked(loaded.config(), Certificates.NONE, Instant.now());
    } catch (CertificateLoader.CertificateProblems e) {
      e.problems().forEach(p -> spec.commandLine().getErr().println(config.path + ": " + p));
      return 1;
    }
    spec.commandLine().getOut().println(config.path + ": OK: " + loaded.config().summary());
    return 0;
  }
}
