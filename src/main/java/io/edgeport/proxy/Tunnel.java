package io.edgeport.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket after the node's {@code 101}: bytes flow both ways with back-pressure until either side
 * closes, which closes the other. Frames pass unchanged; only their headers are followed, so that when
 * the gateway stops ({@link #goAway}) each side gets a close frame ({@code 1001 Going Away}) between
 * two frames, never inside one, and can reconnect elsewhere at once.
 */
final class Tunnel {
  /** Close, 2 bytes of payload: status 1001. Unmasked: the gateway is the server toward the client. */
  private static final byte[] GOING_AWAY_TO_CLIENT = {(byte) 0x88, 0x02, 0x03, (byte) 0xE9};
  /** After the close frames, how long the two sides have to close their connections before the gateway does. */
  private static final long CLOSE_GRACE_MILLIS = 1000;

  private final Vertx vertx;
  private final NetSocket client;
  private final NetSocket node;
  private final Relay up;
  private final Relay down;
  private final Promise<Void> clientClosed = Promise.promise();
  private final Promise<Void> nodeClosed = Promise.promise();

  private Tunnel(Vertx vertx, NetSocket client, NetSocket node) {
    this.vertx = vertx;
    this.client = client;
    this.node = node;
    this.up = new Relay(client, node, true);
    this.down = new Relay(node, client, false);
  }

  /**
   * Joins the client's and the node's sockets.
   *
   * @param idle a tunnel silent both ways for this long is closed (it replaces the HTTP idle timeouts of both
   *             connections, which suit requests, not long-lived sockets)
   * @param open where open tunnels are kept (of this event loop), for {@link #goAway}
   * @return completes when both sides are closed
   */
  static Future<Void> join(NetSocket client, HttpConnection clientConnection, NetSocket node,
      HttpConnection nodeConnection, Duration idle, Set<Tunnel> open) {
    setIdleTimeout(clientConnection, idle);
    setIdleTimeout(nodeConnection, idle);
    Tunnel t = new Tunnel(Vertx.currentContext().owner(), client, node); // on the request's event loop
    open.add(t);
    client.closeHandler(v -> {
      t.clientClosed.tryComplete();
      node.close();
    });
    node.closeHandler(v -> {
      t.nodeClosed.tryComplete();
      client.close();
    });
    t.up.start();
    t.down.start();
    return Future.join(t.clientClosed.future(), t.nodeClosed.future()).<Void>mapEmpty()
        .onComplete(v -> open.remove(t));
  }

  /** The gateway stops: a close frame to each side at its next frame boundary, then the connections close. */
  void goAway() {
    up.goAway();
    down.goAway();
  }

  private void closeBoth() {
    client.close();
    node.close();
  }

  private void relayDone() {
    if (up.done && down.done) {
      vertx.setTimer(CLOSE_GRACE_MILLIS, id -> closeBoth());
    }
  }

  /** One direction: relays with back-pressure and follows the frames it passes. */
  private final class Relay {
    private final NetSocket from;
    private final NetSocket to;
    private final boolean toNode;
    private final FrameCursor frames = new FrameCursor();
    private boolean goingAway;
    /** Its close frame is sent: nothing more passes this way. */
    private boolean done;

    Relay(NetSocket from, NetSocket to, boolean toNode) {
      this.from = from;
      this.to = to;
      this.toNode = toNode;
    }

    void start() {
      from.handler(this::relay);
      from.exceptionHandler(e -> closeBoth()); // a reset: neither side may think the other is still there
      to.exceptionHandler(e -> closeBoth());
      from.endHandler(v -> to.close());
      from.resume();
    }

    private void relay(Buffer data) {
      if (done) {
        return; // after our close frame: the side is leaving, what it still sends has no reader
      }
      if (!goingAway) {
        frames.skip(data, 0);
        write(data);
        return;
      }
      int cut = frames.skipToBoundary(data);
      if (cut < 0) {
        write(data); // the frame goes on past this buffer
        return;
      }
      if (cut > 0) {
        write(data.slice(0, cut));
      }
      sendClose();
    }

    private void write(Buffer data) {
      to.write(data);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    }

    void goAway() {
      if (goingAway) {
        return;
      }
      goingAway = true;
      if (frames.atBoundary()) {
        sendClose();
      }
    }

    private void sendClose() {
      done = true;
      to.write(Buffer.buffer(toNode ? maskedGoingAway() : GOING_AWAY_TO_CLIENT));
      relayDone();
    }
  }

  /** Toward the node the gateway stands for the client, whose frames must be masked (RFC 6455 §5.3). */
  private static byte[] maskedGoingAway() {
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    return new byte[] {(byte) 0x88, (byte) 0x82, mask[0], mask[1], mask[2], mask[3],
        (byte) (0x03 ^ mask[0]), (byte) (0xE9 ^ mask[1])};
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
