package io.edgeport.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An upgraded connection (a WebSocket) after the node's {@code 101}: bytes flow both ways with
 * back-pressure until either side closes, which closes the other. Frames are not parsed; the two
 * ends speak to each other.
 */
final class Tunnel {
  private Tunnel() {}

  /**
   * Joins the client's and the node's sockets.
   *
   * @param idle a tunnel silent both ways for this long is closed (it replaces the HTTP idle timeouts of both
   *             connections, which suit requests, not long-lived sockets)
   * @return completes when both sides are closed
   */
  static Future<Void> join(NetSocket client, HttpConnection clientConnection, NetSocket node,
      HttpConnection nodeConnection, Duration idle) {
    setIdleTimeout(clientConnection, idle);
    setIdleTimeout(nodeConnection, idle);
    Promise<Void> clientClosed = Promise.promise();
    Promise<Void> nodeClosed = Promise.promise();
    client.closeHandler(v -> {
      clientClosed.tryComplete();
      node.close();
    });
    node.closeHandler(v -> {
      nodeClosed.tryComplete();
      client.close();
    });
    // a failed write or read (a reset) ends both: neither side may think the other is still there
    client.pipeTo(node).onFailure(e -> closeBoth(client, node));
    node.pipeTo(client).onFailure(e -> closeBoth(client, node));
    return Future.join(clientClosed.future(), nodeClosed.future()).mapEmpty();
  }

  private static void closeBoth(NetSocket a, NetSocket b) {
    a.close();
    b.close();
  }

  private static void setIdleTimeout(HttpConnection connection, Duration idle) {
    // Vert.x has no public setter for an open connection's idle timeout: its Netty handler is swapped
    ChannelPipeline pipeline = ((ConnectionBase) connection).channel().pipeline();
    IdleStateHandler handler = new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS);
    if (pipeline.get("idle") != null) {
      pipeline.replace("idle", "idle", handler);
    } else {
      pipeline.addFirst("idle", handler);
    }
  }
}
