package io.edgeport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.spi.transport.Transport;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which network transport the process runs on, given what the platform offers. */
class TransportsTest {
  record Offered(String name, boolean available) implements io.vertx.core.transport.Transport {
    @Override
    public Throwable unavailabilityCause() {
      return available ? null : new UnsupportedOperationException("blocked by seccomp");
    }

    @Override
    public Transport implementation() {
      throw new UnsupportedOperationException();
    }
  }

  static final Offered IO_URING = new Offered("io_uring", true);
  static final Offered BLOCKED_IO_URING = new Offered("io_uring", false);
  static final Offered EPOLL = new Offered("epoll", true);
  static final Offered NIO = new Offered("nio", true);

  @Test
  void byDefaultIoUringWhereAllowedElseEpollElseNio() {
    assertSame(IO_URING, Transports.choose(null, List.of(IO_URING, EPOLL, NIO)));
    assertSame(IO_URING, Transports.choose(" auto ", List.of(IO_URING, EPOLL, NIO)));
    assertSame(EPOLL, Transports.choose("", List.of(BLOCKED_IO_URING, EPOLL, NIO)), "a container that forbids io_uring");
    assertSame(NIO, Transports.choose(null, Arrays.asList(null, null, NIO)), "not Linux");
  }

  @Test
  void oneAskedForIsUsedOrRefusedClearly() {
    assertSame(EPOLL, Transports.choose("EPOLL", List.of(IO_URING, EPOLL, NIO)));
    IllegalStateException blocked = assertThrows(IllegalStateException.class,
        () -> Transports.choose("io_uring", List.of(BLOCKED_IO_URING, EPOLL, NIO)));
    assertTrue(blocked.getMessage().startsWith("EDGEPORT_TRANSPORT=io_uring: io_uring is not available here"),
        blocked.getMessage());
    assertEquals("EDGEPORT_TRANSPORT=kqueue: not one of auto, io_uring, epoll, nio", assertThrows(
        IllegalStateException.class, () -> Transports.choose("kqueue", List.of(IO_URING, EPOLL, NIO))).getMessage());
  }
}
