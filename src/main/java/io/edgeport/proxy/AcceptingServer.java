package io.edgeport.proxy;

import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.VertxWrapper;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.net.impl.NetServerInternal;
import java.net.InetSocketAddress;

/**
 * A Vert.x {@link HttpServer} that hands each connection to a handler as it opens: after its PROXY header and TLS
 * handshake, before a byte of it is read, whatever it turns out to speak. {@link HttpServer#connectionHandler} comes
 * too late for that on a listener that also takes HTTP/2 with prior knowledge: there Vert.x sets up an HTTP/1
 * connection (and calls that handler) only once its first request is decoded, and an HTTP/2 one once the client's
 * SETTINGS are read, so until then nothing counts or reads it.
 *
 * <p>Vert.x has no public hook at that point. Its internal API is used here, in this one place, checked by the
 * compiler rather than by reflection: the HTTP server is built over a TCP server of its own ({@link NetServerImpl},
 * the class the HTTP server requires), whose connect handler (Vert.x's, which sets up the HTTP pipeline) is wrapped:
 * the handler given here runs right after it.
 */
final class AcceptingServer {
  /** A connection that has just opened. */
  interface Opened {
    /** On the connection's event loop, its pipeline set up as Vert.x sets it up (no request read yet). */
    void handle(Channel channel, SocketAddress client);
  }

  private AcceptingServer() {}

  static HttpServer create(Vertx vertx, HttpServerOptions options, Opened opened) {
    VertxInternal internal = (VertxInternal) vertx;
    return new HttpServerImpl(new VertxWrapper(internal) {
      @Override
      public NetServerInternal createNetServer(NetServerOptions tcpOptions) {
        return new NetServerImpl(internal, tcpOptions.copy()) {
          @Override
          public NetServerInternal connectHandler(Handler<NetSocket> setUp) {
            return super.connectHandler(socket -> {
              setUp.handle(socket);
              Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
              opened.handle(channel, client(channel));
            });
          }
        };
      }
    }, options);
  }

  /**
   * The client: the one a PROXY header names, or the peer. The header's address is read, not taken as
   * {@link ConnectionBase#remoteAddress()} takes it: it is there for the HTTP connection Vert.x makes later.
   */
  private static SocketAddress client(Channel channel) {
    SocketAddress named = channel.hasAttr(ConnectionBase.REMOTE_ADDRESS_OVERRIDE)
        ? channel.attr(ConnectionBase.REMOTE_ADDRESS_OVERRIDE).get() : null;
    return named != null ? named : SocketAddress.inetSocketAddress((InetSocketAddress) channel.remoteAddress());
  }
}
