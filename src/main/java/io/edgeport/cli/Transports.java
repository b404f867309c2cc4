package io.edgeport.cli;

import io.vertx.core.transport.Transport;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The network transport of the process. By default io_uring where the kernel allows it, else epoll, else NIO:
 * io_uring batches the socket calls, which cut edgeport's CPU per request from 45.8 to 27.8 us on the peers bench
 * (bench/RESULTS.md). Container runtimes often forbid io_uring in their seccomp profiles: then epoll is used.
 * {@code EDGEPORT_TRANSPORT=io_uring|epoll|nio} asks for one and fails clearly where it is unavailable.
 */
final class Transports {
  static final String VARIABLE = "EDGEPORT_TRANSPORT";

  private Transports() {}

  /**
   * @param requested the variable's value: null, empty or {@code auto} for the default order
   * @param candidates io_uring, epoll, NIO in that order (null where the platform has none)
   */
  static Transport choose(String requested, List<Transport> candidates) {
    String name = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
    if (name.isEmpty() || name.equals("auto")) {
      return candidates.stream().filter(t -> t != null && t.available()).findFirst().orElseThrow();
    }
    for (Transport t : candidates) {
      if (t != null && t.name().equalsIgnoreCase(name)) {
        if (!t.available()) {
          throw new IllegalStateException(VARIABLE + "=" + requested + ": " + t.name() + " is not available here ("
              + t.unavailabilityCause() + ")");
        }
        return t;
      }
    }
    throw new IllegalStateException(VARIABLE + "=" + requested + ": not one of auto, io_uring, epoll, nio");
  }

  static Transport choose(String requested) {
    // asList, not List.of: a transport the platform lacks is null
    return choose(requested, Arrays.asList(Transport.IO_URING, Transport.EPOLL, Transport.NIO));
  }
}
