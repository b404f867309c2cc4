package io.edgeport.proxy;

import io.edgeport.net.ProxyProtocolHeader;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code backendProxyProtocol}: node connections that start with a PROXY protocol header naming the
 * client. A header names one client for the connection's life, so these connections are not pooled:
 * each client connection gets its own to each node it reaches, closed with it. Kept per event loop
 * (the requests of one client connection all run on its loop), so no locking.
 */
final class BackendProxyProtocol {
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
      // on the channels' close, here and below: a connection has a single closeHandler, not this class's to
      // take, and Vert.x drops it when the connection becomes a WebSocket's socket
      ((ConnectionBase) client).channel().closeFuture().addListener(closed -> closeAll(client));
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
          Channel channel = channelOf(c);
          channel.pipeline().firstContext()
              .writeAndFlush(ProxyProtocolHeader.of(version, client.remoteAddress().hostAddress(),
                  client.remoteAddress().port(), client.localAddress().hostAddress(), client.localAddress().port()));
          channel.closeFuture().addListener(closed -> owner.remove(node));
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
      // a copy: a node connection closed here leaves the map at once (its channel's close listener)
      List.copyOf(mine.values()).forEach(f -> f.onSuccess(HttpClientConnection::close));
    }
  }
}
