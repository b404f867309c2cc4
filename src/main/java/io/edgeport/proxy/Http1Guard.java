package io.edgeport.proxy;

import io.edgeport.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in an HTTP/1.x connection's pipeline in front of the codec and lets through only what
 * {@link Http1Scanner} finds unambiguous, within the {@link LimitsConfig}. At the first refused byte
 * nothing more reaches the codec (the refused request is never complete there, so it is never
 * dispatched): the client gets the status with {@code Connection: close} and the connection closes.
 * Its second half sits behind the encoder and counts the responses, so a refusal is not written into
 * the middle of an earlier pipelined response (then the connection just closes once that one is out),
 * and the last response a connection may carry says {@code Connection: close}.
 *
 * <p>Timeouts cost nothing while requests arrive whole in one read: a timer is armed only when a
 * read ends inside a request head (slowloris) or inside a body. A body is held to its {@link BodyDeadline}; the
 * time in which Vert.x stops reading the connection (back-pressure from the node) is not counted against it.
 */
final class Http1Guard {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.refused");

  private final Http1Scanner scanner;
  private final Traffic.Loop traffic;
  private final LimitsConfig limits;
  private final long headerTimeoutNanos;
  private final long bodyTimeoutNanos;
  private final int maxRequests;
  /** Requests the codec got whose responses have not ended yet, and whether the newest one's has started. */
  private int open;
  private boolean responseStarted;
  private int answered;
  private boolean refused;
  /** System.nanoTime() when the current head began (0: not in a head). */
  private long headStarted;
  /** The deadline of the body under way, made for the first body that spans reads. */
  private BodyDeadline body;
  private boolean inBody;
  private ScheduledFuture<?> timer;

  private Http1Guard(Http1Scanner scanner, Traffic.Loop traffic, LimitsConfig limits) {
    this.scanner = scanner;
    this.traffic = traffic;
    this.limits = limits;
    this.headerTimeoutNanos = limits.headerTimeout().toNanos();
    this.bodyTimeoutNanos = limits.bodyTimeout().toNanos();
    this.maxRequests = limits.maxRequestsPerConnection();
  }

  /** Puts a guard into an HTTP/1.x server pipeline (one that has Vert.x's {@code httpDecoder}). */
  static void install(ChannelPipeline pipeline, int maxTargetBytes, LimitsConfig limits, Traffic.Loop traffic) {
    if (pipeline.get("httpDecoder") == null) {
      return; // HTTP/2: its own framing, checked by its codec
    }
    int maxHead = (int) Math.min(Integer.MAX_VALUE, limits.maxHeaderBytes());
    Http1Guard guard = new Http1Guard(new Http1Scanner(maxHead, maxTargetBytes), traffic, limits);
    pipeline.addBefore("httpDecoder", "edgeport-guard", guard.new Inbound());
    pipeline.addAfter("httpEncoder", "edgeport-responses", guard.new Outbound());
  }

  private final class Inbound extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ctx.fireChannelRead(msg);
        return;
      }
      if (refused) {
        buf.release();
        return;
      }
      int bytes = buf.readableBytes();
      int headsBefore = scanner.heads();
      int bad = scanner.scan(buf);
      open += scanner.heads() - headsBefore;
      if (bad < 0) {
        ctx.fireChannelRead(buf);
        watchTime(ctx, headsBefore, bytes);
        return;
      }
      if (bad > buf.readerIndex()) {
        ctx.fireChannelRead(buf.retainedSlice(buf.readerIndex(), bad - buf.readerIndex()));
      }
      buf.release();
      refuse(ctx);
    }

    /** Vert.x turns auto-read off once it holds enough unread data: from then on the gateway holds the body back. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.fireChannelReadComplete();
      if (inBody && !ctx.channel().config().isAutoRead()) {
        body.holdBack(System.nanoTime());
      }
    }

    /** The gateway asks for data again (auto-read back on, or the next read). */
    @Override
    public void read(ChannelHandlerContext ctx) {
      if (inBody && body.heldBack()) {
        body.resume(System.nanoTime());
      }
      ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timer != null) {
        timer.cancel(false);
      }
      ctx.fireChannelInactive();
    }
  }

  /**
   * After a read of {@code bytes}: a head or body left unfinished gets a deadline (one timer per connection at
   * most).
   */
  private void watchTime(ChannelHandlerContext ctx, int headsBefore, int bytes) {
    boolean inHead = scanner.inHead();
    boolean newHead = scanner.heads() != headsBefore;
    if (!inHead && !scanner.inBody()) {
      headStarted = 0;
      inBody = false;
      return; // the common case: whole requests in one read
    }
    long now = System.nanoTime();
    if (!inHead) {
      headStarted = 0;
    } else if (headStarted == 0 || newHead) {
      headStarted = now; // a new head began in this read
    }
    if (!scanner.inBody()) {
      inBody = false;
    } else if (inBody && !newHead) {
      body.received(now, bytes);
    } else {
      if (body == null) {
        body = new BodyDeadline(limits);
      }
      body.start(now, bytes); // a body began in this read (counted with the rest of the read: a head at most)
      inBody = true;
    }
    if (timer == null) {
      timer = ctx.executor().schedule(() -> checkTime(ctx), Math.min(headerTimeoutNanos, bodyTimeoutNanos),
          TimeUnit.NANOSECONDS);
    }
  }

  private void checkTime(ChannelHandlerContext ctx) {
    timer = null;
    if (refused || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (scanner.inHead()) {
      long left = headStarted + headerTimeoutNanos - now;
      if (left <= 0) {
        scanner.refuseNow(408, "request head not complete within the header timeout");
        refuse(ctx);
        return;
      }
      timer = ctx.executor().schedule(() -> checkTime(ctx), left, TimeUnit.NANOSECONDS);
    } else if (scanner.inBody()) {
      if (!ctx.channel().config().isAutoRead()) {
        body.holdBack(now);
      }
      long left = body.left(now);
      if (left <= 0) {
        scanner.refuseNow(408, body.reason(now));
        refuse(ctx);
        return;
      }
      timer = ctx.executor().schedule(() -> checkTime(ctx), left, TimeUnit.NANOSECONDS);
    }
  }

  private final class Outbound extends ChannelDuplexHandler {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      // 100 Continue is interim; after a 101 the connection is a tunnel, no longer counted in requests
      if (msg instanceof HttpResponse r && r.status().code() != 100 && r.status().code() != 101) {
        responseStarted = true;
        if (answered + 1 >= maxRequests) {
          r.headers().set("connection", "close"); // the connection's last: the client opens a new one
        }
      }
      if (msg instanceof LastHttpContent && responseStarted) {
        responseStarted = false;
        open--;
        answered++;
        if (refused && open <= 0 || answered >= maxRequests) {
          ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
          return;
        }
      }
      ctx.write(msg, promise);
    }
  }

  /**
   * Answers the refusal when nothing else is being answered on the connection (the refused request
   * itself may have been dispatched when its body broke the rules, but not answered yet); otherwise the
   * connection closes once the response under way ends.
   */
  private void refuse(ChannelHandlerContext ctx) {
    refused = true;
    int status = scanner.status();
    traffic.refused(status);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{}: {} {}", ctx.channel().remoteAddress(), status, scanner.reason());
    }
    if (open == 0 || scanner.refusedInBody() && open == 1 && !responseStarted) {
      String text = status + " " + HttpResponseStatus.valueOf(status).reasonPhrase();
      String reply = "HTTP/1.1 " + text + "\r\ncontent-type: text/plain; charset=utf-8\r\ncache-control: no-store\r\n"
          + "content-length: " + (text.length() + 1) + "\r\nconnection: close\r\n\r\n" + text + "\n";
      ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.ISO_8859_1))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
