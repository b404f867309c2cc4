package io.edgeport.cli;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.ListenAddress;
import picocli.CommandLine.Option;

/** Options of every command that starts the gateway. */
final class ServeOptions {

  @Option(names = "--port", paramLabel = "PORT", description = "listen on this port instead of the config's")
  Integer port;

  @Option(names = "--workers", paramLabel = "N",
      description = "event loops serving requests (default: the CPUs this process may use)")
  Integer workers;

  EdgeportConfig apply(EdgeportConfig config) {
    return port == null ? config : config.withListen(new ListenAddress(config.listen().host(), port));
  }

  int workers() {
    return workers != null && workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
  }
}
