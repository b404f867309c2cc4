package io.edgeport.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.config.ListenAddress;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options of every command that starts the gateway. */
final class ServeOptions {

  @Option(names = "--port", paramLabel = "PORT", description = "listen on this port instead of the config's")
  Integer port;

  @Option(names = "--admin", paramLabel = "HOST:PORT", converter = AddressConverter.class,
      description = "serve metrics, status and the dashboard here instead of the config's 'admin'")
  ListenAddress admin;

  @Option(names = "--workers", paramLabel = "N",
      description = "event loops serving requests (default: the CPUs this process may use)")
  Integer workers;

  @Option(names = "--log-level", paramLabel = "LEVEL", converter = LevelConverter.class,
      description = "error, warn, info (default), debug or trace")
  Level logLevel;

  /** The config with the command line's overrides; applied again to every reloaded config. */
  EdgeportConfig apply(EdgeportConfig config) {
    EdgeportConfig c = port == null ? config : config.withListen(config.listen().withHttp(
        new ListenAddress(config.listen().http().host(), port)));
    return admin == null ? c : c.withAdmin(admin);
  }

  void applyLogLevel() {
    if (logLevel != null) {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(logLevel);
    }
  }

  int workers() {
    return workers != null && workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
  }

  static final class AddressConverter implements ITypeConverter<ListenAddress> {
    @Override
    public ListenAddress convert(String value) {
      ListenAddress a = ListenAddress.parse(value);
      if (a == null) {
        throw new TypeConversionException("'" + value + "' is not HOST:PORT (like 127.0.0.1:9901)");
      }
      return a;
    }
  }

  static final class LevelConverter implements ITypeConverter<Level> {
    @Override
    public Level convert(String value) {
      return switch (value.toLowerCase(java.util.Locale.ROOT)) {
        case "error" -> Level.ERROR;
        case "warn" -> Level.WARN;
        case "info" -> Level.INFO;
        case "debug" -> Level.DEBUG;
        case "trace" -> Level.TRACE;
        default -> throw new TypeConversionException("'" + value + "' is not error, warn, info, debug or trace");
      };
    }
  }
}
