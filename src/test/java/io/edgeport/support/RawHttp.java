package io.edgeport.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A byte-level HTTP/1.1 client for tests: sends exactly the request line and headers it is given
 * (absolute-form targets, spoofed or hop-by-hop headers, odd Host values) and parses the response
 * with Content-Length, chunked or close-delimited framing.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(int port) throws IOException {
    this(port, null);
  }

  /** @param localAddress the client address to connect from (e.g. 127.0.0.9), or null */
  public RawHttp(int port, String localAddress) throws IOException {
    this(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), localAddress);
  }

  /** A connection to {@code address:port} (a node on 127.0.0.3, say), not to the gateway. */
  public static RawHttp to(String address, int port) throws IOException {
    return new RawHttp(new InetSocketAddress(InetAddress.getByName(address), port), null);
  }

  private RawHttp(InetSocketAddress target, String localAddress) throws IOException {
    this(connected(target, localAddress));
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
    out = socket.getOutputStream();
  }

  /** Over a connection made elsewhere: a TLS one from {@link TlsProbe#connect}, say. */
  public static RawHttp over(Socket connected) throws IOException {
    return new RawHttp(connected);
  }

  private static Socket connected(InetSocketAddress target, String localAddress) throws IOException {
    Socket socket = new Socket();
    if (localAddress != null) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    }
    socket.connect(target, 5000);
    return socket;
  }

  public record Response(int status, List<String[]> headers, byte[] body, String bodySha256) {
    public String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    public List<String> headerNames() {
      return headers.stream().map(h -> h[0].toLowerCase(Locale.ROOT)).toList();
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends {@code head} (request line and headers, no final blank line) and an optional body. */
  public RawHttp send(String head, byte[] body) throws IOException {
    out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return this;
  }

  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** One GET with a Host header. */
  public static Response get(int port, String host, String target) throws IOException {
    try (RawHttp c = new RawHttp(port)) {
      return c.send("GET " + target + " HTTP/1.1\r\nHost: " + host, null).read(false);
    }
  }

  /**
   * Reads one response. Bodies are hashed as they stream in; with {@code keepBody} false only the
   * hash and nothing of the body is kept (for downloads of tens of MB).
   */
  public Response read(boolean headRequest) throws IOException {
    return read(headRequest, true);
  }

  public Response read(boolean headRequest, boolean keepBody) throws IOException {
    String status = line();
    while (status.startsWith("HTTP/1.1 100")) { // interim response
      while (!line().isEmpty()) { }
      status = line();
    }
    int code = Integer.parseInt(status.substring(9, 12));
    List<String[]> headers = new ArrayList<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
    }
    Response head = new Response(code, headers, new byte[0], null);
    MessageDigest sha = sha256();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (!headRequest && code != 204 && code != 304) {
      String te = head.header("transfer-encoding");
      String cl = head.header("content-length");
      if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
        for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
            size = Long.parseLong(line().split(";")[0].trim(), 16)) {
          copy(size, sha, keepBody ? body : null);
          line();
        }
        while (!line().isEmpty()) { } // trailers
      } else if (cl != null) {
        copy(Long.parseLong(cl), sha, keepBody ? body : null);
      } else {
        copy(Long.MAX_VALUE, sha, keepBody ? body : null);
      }
    }
    return new Response(code, headers, body.toByteArray(), hex(sha.digest()));
  }

  private void copy(long n, MessageDigest sha, ByteArrayOutputStream keep) throws IOException {
    byte[] buf = new byte[65536];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        if (n == Long.MAX_VALUE) {
          return;
        }
        throw new IOException("connection closed with " + n + " body bytes missing");
      }
      sha.update(buf, 0, r);
      if (keep != null) {
        keep.write(buf, 0, r);
      }
      if (n != Long.MAX_VALUE) {
        n -= r;
      }
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed; got so far: '" + sb + "'");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  /** True once the server has closed the connection (reads EOF). */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b));
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
