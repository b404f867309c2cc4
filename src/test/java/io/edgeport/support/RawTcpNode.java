package io.edgeport.support;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A node behind a LoadBalancer Service port, on plain blocking sockets (a database, a game server, ...). */
public final class RawTcpNode implements AutoCloseable {
  /**
   * ECHO sends back what it reads; COUNT reads to the end (the client's FIN), then answers how many bytes it read
   * and who it is, and closes; BULK is COUNT with {@link #BULK_BYTES} bytes of {@code x} before that answer;
   * GREET names itself in a line first, then echoes.
   */
  public enum Mode { ECHO, COUNT, BULK, GREET }

  /** What a {@link Mode#BULK} node sends before its answer: more than a client with a small window takes unread. */
  public static final int BULK_BYTES = 200_000;

  final ServerSocket server;
  final String address;
  /** Every connection it took, in order. */
  public final List<Socket> accepted = new CopyOnWriteArrayList<>();

  public RawTcpNode(String address, int port, Mode mode) throws Exception {
    this.address = address;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(address, port));
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.add(s);
          new Thread(() -> serve(s, mode)).start();
        } catch (Exception e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  void serve(Socket s, Mode mode) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      boolean echo = mode == Mode.ECHO || mode == Mode.GREET;
      if (mode == Mode.GREET) {
        out.write((address + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      byte[] buf = new byte[65536];
      long total = 0;
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        total += n;
        if (echo) {
          out.write(buf, 0, n);
        }
      }
      if (mode == Mode.BULK) {
        out.write("x".repeat(BULK_BYTES).getBytes(StandardCharsets.US_ASCII));
      }
      out.write((address + " read " + total).getBytes(StandardCharsets.US_ASCII));
    } catch (Exception e) {
      // the test decides what a broken connection means
    }
  }

  /** Dies: its listening socket and every connection close (the kernel resets what is in flight). */
  @Override
  public void close() throws Exception {
    server.close();
    for (Socket s : accepted) {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
        s.close();
      }
    }
  }
}
