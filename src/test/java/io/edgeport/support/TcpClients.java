package io.edgeport.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;

/** The client side of the TCP relay tests: plain blocking sockets. */
public final class TcpClients {
  private TcpClients() {}

  /** A connection to {@code address:port}, reads bounded to 20 s. */
  public static Socket connect(String address, int port) throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(address, port), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  /** A connection from the local address {@code from} (127.0.0.x: another client) to {@code address:port}. */
  public static Socket connect(String from, String address, int port) throws Exception {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress(address, port), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  /** The first line a {@link RawTcpNode.Mode#GREET} node sends: which node the connection reached. */
  public static String greeting(Socket s) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int c = s.getInputStream().read(); c != '\n'; c = s.getInputStream().read()) {
      if (c < 0) {
        throw new AssertionError("the connection ended before a greeting: " + line);
      }
      line.append((char) c);
    }
    return line.toString();
  }

  /** Everything up to the end of the stream, as text. */
  public static String readAll(Socket s) throws Exception {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
  }

  /**
   * Sends {@code mebibytes} MiB of random bytes to an echoing node while reading them back, then half-closes;
   * asserts the echo is byte for byte what was sent (SHA-256).
   *
   * @return what the node sent after the echo: its answer to the half-close
   */
  public static String echoThenHalfClose(Socket s, int mebibytes) throws Exception {
    byte[] chunk = new byte[1 << 20];
    new Random(7).nextBytes(chunk);
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    Thread writer = new Thread(() -> {
      try {
        for (int i = 0; i < mebibytes; i++) {
          s.getOutputStream().write(chunk);
          sent.update(chunk);
        }
        s.shutdownOutput(); // half-close: the node sees the end and may still answer
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    MessageDigest received = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[65536];
    long want = (long) mebibytes << 20;
    for (long got = 0; got < want; ) {
      int n = s.getInputStream().read(buf, 0, (int) Math.min(buf.length, want - got));
      assertTrue(n > 0, "the echo ended after " + got + " bytes");
      received.update(buf, 0, n);
      got += n;
    }
    writer.join(30_000);
    assertArrayEquals(sent.digest(), received.digest(), mebibytes + " MiB there and back, byte for byte");
    return readAll(s);
  }
}
