package io.edgeport.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A byte-level HTTP/2 client with prior knowledge (h2c) for tests: it writes frames itself and encodes header
 * blocks as HPACK literals, byte for byte as given, so it can send what a real client library refuses to
 * (control characters, upper case names, a {@code :path} with spaces), stall in a body, or only PING.
 * Responses are decoded with Netty's HPACK decoder.
 */
public final class RawH2 implements AutoCloseable {
  public static final int DATA = 0;
  public static final int HEADERS = 1;
  public static final int RST_STREAM = 3;
  public static final int SETTINGS = 4;
  public static final int PING = 6;
  public static final int GOAWAY = 7;
  public static final int WINDOW_UPDATE = 8;
  public static final int CONTINUATION = 9;
  private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;
  private static final int ACK = 0x1;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

  /** One frame as read. */
  public record Frame(int type, int flags, int streamId, byte[] payload) {
    public boolean endStream() {
      return (flags & END_STREAM) != 0;
    }

    /** The error code of a RST_STREAM or GOAWAY. */
    public long errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xFFL) << 24) | ((payload[at + 1] & 0xFF) << 16) | ((payload[at + 2] & 0xFF) << 8)
          | (payload[at + 3] & 0xFF);
    }
  }

  /**
   * How a stream ended: a response head ({@code status} and {@code headers}), a reset (its code), or the
   * connection's end (GOAWAY or EOF: {@code connectionEnded}).
   */
  public record Outcome(int status, Http2Headers headers, long resetCode, boolean connectionEnded) {
    public boolean reset() {
      return resetCode >= 0;
    }
  }

  /** Connects to 127.0.0.1:{@code port}, sends the preface and a SETTINGS frame with {@code settings} (id, value…). */
  public RawH2(int port, int... settings) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket.setSoTimeout(30_000);
    in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
    out = socket.getOutputStream();
    out.write(PREFACE.getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      s.write(settings[i] >>> 8);
      s.write(settings[i]);
      s.write(settings[i + 1] >>> 24);
      s.write(settings[i + 1] >>> 16);
      s.write(settings[i + 1] >>> 8);
      s.write(settings[i + 1]);
    }
    frame(SETTINGS, 0, 0, s.toByteArray());
  }

  /**
   * A HEADERS frame on {@code streamId} with these name/value pairs, each an HPACK literal without indexing,
   * sent as ISO-8859-1 bytes exactly as given.
   */
  public RawH2 headers(int streamId, boolean endStream, String... namesAndValues) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      block.write(0x00); // literal header field without indexing, new name
      string(block, namesAndValues[i]);
      string(block, namesAndValues[i + 1]);
    }
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, block.toByteArray());
    return this;
  }

  /** A GET of {@code path} for {@code authority} with these extra name/value pairs, ended with the HEADERS. */
  public RawH2 get(int streamId, String authority, String path, String... extra) throws IOException {
    return request(streamId, "GET", authority, path, true, extra);
  }

  public RawH2 request(int streamId, String method, String authority, String path, boolean endStream,
      String... extra) throws IOException {
    String[] all = new String[8 + extra.length];
    String[] pseudo = {":method", method, ":scheme", "http", ":authority", authority, ":path", path};
    System.arraycopy(pseudo, 0, all, 0, 8);
    System.arraycopy(extra, 0, all, 8, extra.length);
    return headers(streamId, endStream, all);
  }

  public RawH2 data(int streamId, byte[] bytes, boolean endStream) throws IOException {
    frame(DATA, endStream ? END_STREAM : 0, streamId, bytes);
    return this;
  }

  /** The read timeout of {@link #read} and {@link #await} (30 s unless set). */
  public void socketTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  public RawH2 ping() throws IOException {
    frame(PING, 0, 0, new byte[8]);
    return this;
  }

  private static void string(ByteArrayOutputStream block, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    integer(block, bytes.length); // no Huffman
    block.writeBytes(bytes);
  }

  /** An HPACK integer with a 7-bit prefix (RFC 7541 §5.1). */
  private static void integer(ByteArrayOutputStream block, int value) {
    if (value < 127) {
      block.write(value);
      return;
    }
    block.write(127);
    value -= 127;
    while (value >= 128) {
      block.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    block.write(value);
  }

  private synchronized void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length, (byte) type,
        (byte) flags, (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId};
    out.write(head);
    out.write(payload);
    out.flush();
  }

  /** The next frame; SETTINGS are acknowledged on the way. Null at the end of the stream. */
  public Frame read() throws IOException {
    byte[] head = new byte[9];
    try {
      in.readFully(head);
    } catch (EOFException | java.net.SocketException e) {
      return null;
    }
    int length = ((head[0] & 0xFF) << 16) | ((head[1] & 0xFF) << 8) | (head[2] & 0xFF);
    byte[] payload = new byte[length];
    in.readFully(payload);
    Frame f = new Frame(head[3] & 0xFF, head[4] & 0xFF,
        ((head[5] & 0x7F) << 24) | ((head[6] & 0xFF) << 16) | ((head[7] & 0xFF) << 8) | (head[8] & 0xFF), payload);
    if (f.type() == SETTINGS && (f.flags() & ACK) == 0) {
      frame(SETTINGS, ACK, 0, new byte[0]);
    }
    return f;
  }

  /**
   * Reads until {@code streamId} gets its response head, is reset, or the connection ends (bounded by the
   * socket's 30 s read timeout). Frames of other streams are skipped.
   */
  public Outcome await(int streamId) throws IOException {
    for (Frame f = read(); f != null; f = read()) {
      if (f.type() == GOAWAY) {
        return new Outcome(0, null, -1, true);
      }
      if (f.streamId() != streamId) {
        continue;
      }
      if (f.type() == RST_STREAM) {
        return new Outcome(0, null, f.errorCode(), false);
      }
      if (f.type() == HEADERS) {
        Http2Headers h = decode(f);
        return new Outcome(Integer.parseInt(h.status().toString()), h, -1, false);
      }
    }
    return new Outcome(0, null, -1, true);
  }

  /**
   * Reads until a frame of {@code type} on {@code streamId} (skipping others), bounded by the read timeout.
   *
   * @return it, or null when the connection ended first
   */
  public Frame next(int streamId, int type) throws IOException {
    for (Frame f = read(); f != null; f = read()) {
      if (f.streamId() == streamId && f.type() == type) {
        return f;
      }
      if (f.type() == GOAWAY) {
        return null;
      }
    }
    return null;
  }

  /** The header block of a HEADERS frame (without padding and priority) and its CONTINUATION frames. */
  private Http2Headers decode(Frame f) throws IOException {
    byte[] p = f.payload();
    int from = 0;
    int to = p.length;
    if ((f.flags() & 0x8) != 0) { // PADDED
      to -= (p[0] & 0xFF);
      from = 1;
    }
    if ((f.flags() & 0x20) != 0) { // PRIORITY
      from += 5;
    }
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(p, from, to - from);
    for (Frame c = f; (c.flags() & END_HEADERS) == 0; ) {
      c = read();
      if (c == null || c.type() != CONTINUATION) {
        throw new IOException("header block without its CONTINUATION");
      }
      block.writeBytes(c.payload());
    }
    ByteBuf buf = Unpooled.wrappedBuffer(block.toByteArray());
    try {
      return decoder.decodeHeaders(f.streamId(), buf);
    } catch (Http2Exception e) {
      throw new IOException("undecodable response headers", e);
    } finally {
      buf.release();
    }
  }

  /**
   * Over {@code socket} (HTTP/2 by prior knowledge, or TLS with ALPN h2): the preface, then a SETTINGS frame header
   * declaring 16,380 bytes of payload, which come a byte every 200 ms until the server closes the connection.
   *
   * @return the milliseconds from the preface to the close
   */
  public static CompletableFuture<Long> trickleSettings(Vertx vertx, NetSocket socket) {
    CompletableFuture<Long> closedAfter = new CompletableFuture<>();
    long started = System.nanoTime();
    long[] pace = new long[1];
    socket.closeHandler(v -> {
      vertx.cancelTimer(pace[0]);
      closedAfter.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    });
    socket.write(Buffer.buffer(PREFACE, "US-ASCII")
        .appendBytes(new byte[] {0x00, 0x3f, (byte) 0xfc, SETTINGS, 0, 0, 0, 0, 0}));
    pace[0] = vertx.setPeriodic(200, id -> socket.write(Buffer.buffer(new byte[1])));
    return closedAfter;
  }

  /**
   * Reads (and drops) frames until the server ends the connection (EOF, or a reset by the peer).
   *
   * @return false if it is still open after {@code millis}
   */
  public boolean awaitClose(long millis) throws IOException {
    long end = System.nanoTime() + millis * 1_000_000L;
    try {
      for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000L) {
        socket.setSoTimeout((int) Math.max(1, left));
        if (read() == null) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(30_000);
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
