package io.edgeport.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * {@code backendProxyProtocol}: node connections that start with a PROXY protocol header naming the
 * client. A header names one client for the connection's life, so these connections are not pooled:
 * each client connection gets its own to each node it reaches, closed with it. Kept per event loop
 * (the requests of one client connection all run on its loop), so no locking.
 */
final class BackendProxyProtocol {
  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private final Map<HttpConnection, Map<SocketAddress, Future<HttpClientConnection>>> byClient =
      new IdentityHashMap<>();

  /**
   * The node connection of {@code client} to {@code node}, opened (header first) when there is none.
   *
   * @param version 1 or 2
   */
  Future<HttpClientConnection> connection(HttpClientAgent agent, HttpConnection client, SocketAddress node,
      int version, int connectTimeoutMillis) {
    Map<SocketAddress, Future<HttpClientConnection>> mine = byClient.get(client);
    if (mine == null) {
      mine = new HashMap<>();
      byClient.put(client, mine);
      client.closeHandler(v -> closeAll(client));
    }
    Future<HttpClientConnection> existing = mine.get(node);
    if (existing != null && !existing.failed()) {
      return existing;
    }
    Map<SocketAddress, Future<HttpClientConnection>> owner = mine;
    Future<HttpClientConnection> opened = agent.connect(new HttpConnectOptions().setServer(node)
            .setConnectTimeout(connectTimeoutMillis))
        .map(c -> {
          // straight to the socket, ahead of the codec and of the first request
          channelOf(c).pipeline().firstContext()
              .writeAndFlush(header(version, client.remoteAddress(), client.localAddress()));
          c.closeHandler(v -> owner.remove(node));
          return c;
        });
    mine.put(node, opened);
    return opened;
  }

  /**
   * The Netty channel under a connection from {@link HttpClientAgent#connect}: Vert.x wraps it and has no
   * public way to write bytes ahead of HTTP, so the wrapper's field is read (checked at class load).
   */
  private static Channel channelOf(HttpClientConnection c) {
    Object actual = c instanceof ConnectionBase ? c : ACTUAL.get(c);
    return ((ConnectionBase) actual).channel();
  }

  private static final VarHandle ACTUAL = actualField();

  private static VarHandle actualField() {
    try {
      Class<?> wrapper = Class.forName("io.vertx.core.http.impl.UnpooledHttpClientConnection");
      return MethodHandles.privateLookupIn(wrapper, MethodHandles.lookup()).findVarHandle(wrapper, "actual",
          Class.forName("io.vertx.core.http.impl.HttpClientConnectionInternal"));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private void closeAll(HttpConnection client) {
    Map<SocketAddress, Future<HttpClientConnection>> mine = byClient.remove(client);
    if (mine != null) {
      mine.values().forEach(f -> f.onSuccess(HttpClientConnection::close));
    }
  }

  /** A v1 (text) or v2 (binary) PROXY header for a TCP connection from {@code source} to {@code destination}. */
  static ByteBuf header(int version, SocketAddress source, SocketAddress destination) {
    byte[] src = ip(source.hostAddress());
    byte[] dst = ip(destination.hostAddress());
    boolean v6 = src.length == 16 || dst.length == 16;
    if (v6) {
      src = v6(src);
      dst = v6(dst);
    }
    if (version == 1) {
      String line = "PROXY " + (v6 ? "TCP6 " : "TCP4 ") + text(src) + " " + text(dst) + " " + source.port() + " "
          + destination.port() + "\r\n";
      return Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII);
    }
    ByteBuf out = Unpooled.buffer(16 + 2 * src.length + 4);
    out.writeBytes(V2_SIGNATURE).writeByte(0x21).writeByte(v6 ? 0x21 : 0x11).writeShort(2 * src.length + 4);
    out.writeBytes(src).writeBytes(dst).writeShort(source.port()).writeShort(destination.port());
    return out;
  }

  private static byte[] ip(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress(); // an IP literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static byte[] v6(byte[] ip) {
    if (ip.length == 16) {
      return ip;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(ip, 0, mapped, 12, 4);
    return mapped;
  }

  private static String text(byte[] ip) {
    try {
      String s = InetAddress.getByAddress(ip).getHostAddress();
      return ip.length == 16 && s.startsWith("/") ? s.substring(1) : s;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
