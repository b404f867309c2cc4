package io.edgeport.tcp;

import io.edgeport.balance.Endpoint;
import io.edgeport.balance.PickContext;
import io.edgeport.limit.ClientKey;
import io.edgeport.net.Cidr;
import io.edgeport.net.ProxyProtocolHeader;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One client connection of a LoadBalancer Service port: closed at once when outside the Service's source ranges or
 * over the port's connection limits; else it picks a node, connects (a failed connect moves on to the next node,
 * within the connect timeout), then relays bytes both ways. Back-pressure: a side whose peer cannot
 * take more stops being read until the peer drains. A half-close passes through (the client's FIN becomes one
 * toward the node and the other way round); the connection closes when both directions have ended, when either
 * side resets, or when it is idle both ways. Everything runs on the client connection's event loop.
 *
 * <p>The client is not read until its node is connected, but the native transports (io_uring, epoll) read a
 * connection whose FIN has arrived whatever its autoRead: a client that sends and half-closes at once has its
 * bytes and its end read while the node connect is still in progress. They are held here, bounded by what the
 * kernel had buffered (the client can send nothing after its FIN), and go to the node first, in order.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter implements PickContext {
  private final TcpTarget target;
  private final ChannelFactory<? extends Channel> channels;
  private final TcpCounters.PortCounts counts;
  private Channel client;
  private Channel node;
  private Endpoint endpoint;
  private List<Endpoint> endpoints;
  private int first;
  private int attempts;
  private long deadline;
  private boolean clientEnded;
  private boolean nodeEnded;
  private boolean closed;
  /** The client's slot in the port's connections, or null while it has none. */
  private String slot;
  /** What the client sent before its node was connected, or null. */
  private CompositeByteBuf held;

  TcpRelay(TcpTarget target, ChannelFactory<? extends Channel> channels, TcpCounters.PortCounts counts) {
    this.target = target;
    this.channels = channels;
    this.counts = counts;
  }

  @Override
  public String clientAddress() {
    return ((InetSocketAddress) client.remoteAddress()).getAddress().getHostAddress();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    counts.opened.increment();
    client.closeFuture().addListener(f -> ended());
    List<Cidr> allowed = target.backend().allowedSources();
    if (!allowed.isEmpty() && !allowedIn(allowed)) {
      counts.refused.increment();
      client.close();
      return;
    }
    int perIp = target.maxConnectionsPerIp();
    slot = counts.connections.admit(perIp > 0 ? ClientKey.text(clientAddress(), target.ipv6Prefix()) : null,
        target.maxConnections(), perIp);
    if (slot == null) {
      counts.overLimits.increment();
      client.close();
      return;
    }
    endpoints = target.backend().balancer().endpoints();
    if (target.backend().unavailableReason() != null || endpoints.isEmpty()) {
      counts.noNode.increment();
      client.close();
      return;
    }
    first = target.backend().balancer().pick(this);
    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(target.connectTimeoutMillis());
    connect();
  }

  private boolean allowedIn(List<Cidr> allowed) {
    byte[] ip = ((InetSocketAddress) client.remoteAddress()).getAddress().getAddress();
    for (Cidr c : allowed) {
      if (c.contains(ip)) {
        return true;
      }
    }
    return false;
  }

  /** One try: a share of the time left (at most a third while three or more nodes are untried), as for HTTP. */
  private void connect() {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0 || attempts >= endpoints.size()) {
      client.close();
      return;
    }
    int untried = endpoints.size() - attempts;
    long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining / Math.min(untried, 3)));
    endpoint = endpoints.get((first + attempts) % endpoints.size());
    attempts++;
    Endpoint trying = endpoint;
    new Bootstrap().group(client.eventLoop()).channelFactory(channels)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMillis, Integer.MAX_VALUE))
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true).option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new Side(false))
        .connect(trying.host(), trying.port())
        .addListener((ChannelFutureListener) f -> connected(f, trying));
  }

  private void connected(ChannelFuture f, Endpoint trying) {
    if (closed) {
      f.channel().close();
      return;
    }
    if (!f.isSuccess()) {
      counts.connectFailuresByNode.computeIfAbsent(trying.toString(), k -> new LongAdder()).increment();
      trying.reportFailure("connect failed: " + f.cause().getMessage());
      connect();
      return;
    }
    node = f.channel();
    trying.requestStarted(); // least-connections counts open connections
    counts.connectedByNode.computeIfAbsent(trying.toString(), k -> new LongAdder()).increment();
    node.closeFuture().addListener(x -> closeWhenWritten(client));
    int proxyProtocol = target.backend().proxyProtocol();
    if (proxyProtocol > 0) {
      InetSocketAddress from = (InetSocketAddress) client.remoteAddress();
      InetSocketAddress to = (InetSocketAddress) client.localAddress();
      node.writeAndFlush(ProxyProtocolHeader.of(proxyProtocol, from.getAddress().getHostAddress(), from.getPort(),
          to.getAddress().getHostAddress(), to.getPort()));
    }
    if (held != null) {
      node.writeAndFlush(held);
      held = null;
    }
    long idle = target.idleMillis();
    client.pipeline().addFirst("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
    node.pipeline().addFirst("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
    client.pipeline().addLast(new Side(true));
    if (clientEnded) {
      halfClose(node, nodeEnded); // the client's FIN came while connecting: it follows its bytes
    } else {
      client.config().setAutoRead(true);
    }
    node.config().setAutoRead(true);
  }

  /** The client's bytes before its node is connected are held; after, its {@link Side} relays them. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (node != null) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf bytes = (ByteBuf) msg;
    counts.bytesIn.add(bytes.readableBytes());
    if (held == null) {
      held = ctx.alloc().compositeBuffer();
    }
    held.addComponent(true, bytes);
  }

  /** The client's FIN before its node is connected is remembered, and passed on once it is. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (node == null && evt instanceof ChannelInputShutdownEvent) {
      clientEnded = true;
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeBoth(); // the client reset, before or after the node connected
  }

  /** Writes what {@code from} read to {@code to}; stops reading {@code from} while {@code to} is full. */
  private static void relay(Channel from, Channel to, Object msg) {
    to.write(msg);
    if (!to.isWritable()) {
      from.config().setAutoRead(false); // first: the flush may drain at once, and its writability event resumes
      to.flush();
    }
  }

  /** One direction ended: pass the FIN on, and close once the other direction has ended too. */
  private void halfClose(Channel toward, boolean otherEnded) {
    if (otherEnded) {
      closeWhenWritten(client);
      closeWhenWritten(node);
    } else if (toward instanceof DuplexChannel duplex) {
      // after what is queued: Netty's shutdownOutput drops writes still pending
      toward.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
    } else {
      closeBoth();
    }
  }

  /**
   * Closes {@code ch} once what is queued toward it is written; a close drops what is queued. When both
   * directions end, the node's last bytes toward a client that half-closed first can still be queued: io_uring
   * reports the node's FIN before the read complete that flushes them, and a slow reader has not taken them all.
   */
  private static void closeWhenWritten(Channel ch) {
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /** A reset or idle both ways: both close now. */
  private void closeBoth() {
    if (node != null) {
      node.flush();
      node.close();
    }
    client.flush();
    client.close();
  }

  private void ended() {
    if (!closed) {
      closed = true;
      if (slot != null) {
        counts.connections.release(slot);
      }
      if (held != null) {
        held.release();
        held = null;
      }
      if (node != null) {
        closeWhenWritten(node);
        endpoint.requestEnded();
      }
      counts.closed.increment();
    }
  }

  /** One side's events, relayed to the other side: the client's (added once the node is connected) or the node's. */
  private final class Side extends ChannelInboundHandlerAdapter {
    private final boolean client;

    Side(boolean client) {
      this.client = client;
    }

    private Channel peer() {
      return client ? node : TcpRelay.this.client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      (client ? counts.bytesIn : counts.bytesOut).add(((ByteBuf) msg).readableBytes());
      relay(ctx.channel(), peer(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      peer().flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        peer().config().setAutoRead(true); // this side drained: read the other again
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        if (client) {
          clientEnded = true;
        } else {
          nodeEnded = true;
        }
        halfClose(peer(), client ? nodeEnded : clientEnded);
      } else if (evt instanceof IdleStateEvent) {
        closeBoth();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closeBoth(); // a reset: neither side may think the other is still there
    }
  }
}
