package io.edgeport.cli;

import io.edgeport.proxy.ProxyServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgeport run | check | demo | status}. */
@Command(name = "edgeport", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Edge load balancer for Kubernetes NodePort services.",
    subcommands = {RunCommand.class, CheckCommand.class, DemoCommand.class, DemoNodeCommand.class, StatusCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    ProxyServer.refuseClientRenegotiation();
    Serving.holdSighup();
    int code = commandLine().execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, check, demo or status");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"edgeport " + (v == null ? "dev" : v)};
    }
  }
}
