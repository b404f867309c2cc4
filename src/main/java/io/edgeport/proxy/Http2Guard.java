package io.edgeport.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What an HTTP/2 connection may hold, beside each stream's deadlines in {@link ProxyExchange}. Its idle timeout is
 * counted in streams rather than bytes (as Envoy's {@code idle_timeout}): a connection with no open stream for
 * {@code timeouts.idle} is closed with a GOAWAY, however many PINGs, SETTINGS or WINDOW_UPDATEs keep it busy
 * (Vert.x's own idle timer is reset by every frame). That also bounds a header block that never ends, which opens
 * no stream. One timer per connection, re-armed when it fires; a stream costs one clock read when it closes. It
 * also tells the request path whether a client has sent all of a stream (Netty knows before Vert.x delivers it).
 *
 * <p>A stream whose response has ended while its client is still sending is reset with {@code NO_ERROR} (RFC 9113
 * §8.1): nobody reads the rest, and a half-closed stream would keep the connection busy for good. Every answer ends
 * here, local or proxied, so this is the one place for it; it costs nothing for a stream the client ended first.
 *
 * <p>Before its SETTINGS are read a connection has no guard yet: {@link #awaitSettings} bounds that time.
 */
final class Http2Guard extends Http2ConnectionAdapter {
  private static final AttributeKey<Http2Guard> KEY = AttributeKey.valueOf(Http2Guard.class, "guard");
  private static final AttributeKey<ScheduledFuture<?>> SETTINGS = AttributeKey.valueOf(Http2Guard.class, "settings");

  private final HttpConnection connection;
  private final Channel channel;
  private final Http2ConnectionHandler handler;
  private final Http2Connection streams;
  private final long idleNanos;
  private long idleSince;
  private ScheduledFuture<?> timer;

  private Http2Guard(HttpConnection connection, Channel channel, Http2ConnectionHandler handler, long idleNanos) {
    this.connection = connection;
    this.channel = channel;
    this.handler = handler;
    this.streams = handler.connection();
    this.idleNanos = idleNanos;
    this.idleSince = System.nanoTime();
  }

  /**
   * Watches {@code connection} if it is HTTP/2 (its channel has Netty's HTTP/2 handler). Called for every connection
   * as Vert.x makes it, so it also ends the {@link #awaitSettings} deadline of an HTTP/1 one.
   */
  static void install(HttpConnection connection, Channel channel, Duration idle) {
    stopAwaiting(channel); // Vert.x has made an HTTP connection of it, of either version
    Http2ConnectionHandler handler = channel.pipeline().get(Http2ConnectionHandler.class);
    if (handler == null) {
      return; // HTTP/1.x: Http1Guard's
    }
    Http2Guard watch = new Http2Guard(connection, channel, handler, idle.toNanos());
    handler.connection().addListener(watch);
    channel.attr(KEY).set(watch);
    watch.arm(watch.idleNanos);
    channel.closeFuture().addListener(f -> watch.timer.cancel(false));
  }

  /**
   * Closes {@code channel}, which may still become HTTP/2 (TLS by ALPN, or h2c by prior knowledge), unless it is
   * guarded within {@code timeout}: by {@link #install} once its client's SETTINGS are read, or by the HTTP/1 guard.
   * Until then only Vert.x's idle timer would apply, which every byte of a slow preface or SETTINGS frame resets.
   */
  static void awaitSettings(Channel channel, Duration timeout) {
    Runnable expire = channel::close;
    channel.attr(SETTINGS).set(channel.eventLoop().schedule(expire, timeout.toNanos(), TimeUnit.NANOSECONDS));
    channel.closeFuture().addListener(f -> stopAwaiting(channel));
  }

  /** The connection is guarded (or gone): its {@link #awaitSettings} deadline, if any, is off. */
  static void stopAwaiting(Channel channel) {
    ScheduledFuture<?> deadline = channel.attr(SETTINGS).getAndSet(null);
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  /** Has the client sent all of this HTTP/2 request's stream (or given it up)? Unknown: no. */
  static boolean clientEnded(HttpServerRequest request) {
    Http2Guard guard = ((ConnectionBase) request.connection()).channel().attr(KEY).get();
    if (guard == null) {
      return false;
    }
    Http2Stream stream = guard.streams.stream(request.streamId());
    return stream == null || !stream.state().remoteSideOpen();
  }

  @Override
  public void onStreamHalfClosed(Http2Stream stream) {
    if (stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
      // after the write of the response's end has returned, not inside it
      channel.eventLoop().execute(() -> reset(stream));
    }
  }

  private void reset(Http2Stream stream) {
    if (stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
      ChannelHandlerContext ctx = channel.pipeline().context(handler);
      handler.encoder().writeRstStream(ctx, stream.id(), Http2Error.NO_ERROR.code(), ctx.newPromise());
      channel.flush();
    }
  }

  @Override
  public void onStreamClosed(Http2Stream stream) {
    idleSince = System.nanoTime();
  }

  private void arm(long nanos) {
    timer = channel.eventLoop().schedule(this::check, nanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (!channel.isActive()) {
      return;
    }
    if (streams.numActiveStreams() > 0) {
      arm(idleNanos); // busy: the last stream's close starts the idle time
      return;
    }
    long left = idleSince + idleNanos - System.nanoTime();
    if (left > 0) {
      arm(left);
      return;
    }
    connection.close();
  }
}
