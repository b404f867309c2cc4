package io.edgeport.proxy;

import io.edgeport.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
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
 * <p>Bytes that follow a request with an {@code Upgrade} header are held until its response begins:
 * after a {@code 101} they pass unread into the new protocol (as nginx passes what it read ahead into
 * the tunnel), after any other answer they are the next request, scanned like the first.
 *
 * <p>Timeouts cost nothing while requests arrive whole in one read: a timer is armed only when a
 * read ends inside a request head (slowloris) or inside a body. A body is held to its {@link BodyDeadline}; the
 * time in which Vert.x stops reading the connection (back-pressure from the node) is not counted against it.
 *
 * <p>A head that spans reads waits here ({@link HeadBuffer}), within the event loop's budget, and reaches the codec
 * once it is whole: a read that would take the loop's unfinished heads over the budget is refused with 503.
 */
final class Http1Guard {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.refused");

  private final Http1Scanner scanner;
  private final Traffic.Loop traffic;
  private final LimitsConfig limits;
  private final long headerTimeoutNanos;
  private final long bodyTimeoutNanos;
  private final int maxRequests;
  private final int maxHeldBytes;
  private final Inbound inbound = new Inbound();
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
  /** What arrived after an upgrade request, until its response says what it is (null: nothing held). */
  private CompositeByteBuf held;
  /** The start of a head whose end has not arrived yet. */
  private final HeadBuffer pending;

  private Http1Guard(Http1Scanner scanner, int maxHeldBytes, Traffic.Loop traffic, LimitsConfig limits,
      HeadBuffer pending) {
    this.pending = pending;
    this.scanner = scanner;
    this.maxHeldBytes = maxHeldBytes;
    this.traffic = traffic;
    this.limits = limits;
    this.headerTimeoutNanos = limits.headerTimeout().toNanos();
    this.bodyTimeoutNanos = limits.bodyTimeout().toNanos();
    this.maxRequests = limits.maxRequestsPerConnection();
  }

  /**
   * Puts a guard into a server pipeline Vert.x has just set up, before any byte is read. An HTTP/1.x one (it has
   * Vert.x's {@code httpDecoder}) gets it at once. On a listener that also takes HTTP/2 with prior knowledge, what a
   * connection speaks is known at its first bytes: then the guard goes in right behind Vert.x's detection and ahead
   * of the codec the detection sets up, before those bytes reach it (and before a 101 to an h2c upgrade is written,
   * so it stops reading there). HTTP/2 has its own framing, checked by its codec.
   *
   * @param headBudget what the unfinished request heads of the event loop may hold ({@link HeadBuffer#budget})
   * @return whether the connection is HTTP/1.x and guarded now (else it is HTTP/2, or may become it, and is
   *     {@link Http2Guard}'s once it is known)
   */
  static boolean install(ChannelPipeline pipeline, int maxTargetBytes, LimitsConfig limits, Traffic.Loop traffic,
      long headBudget) {
    if (pipeline.get("httpDecoder") != null) {
      add(pipeline, maxTargetBytes, limits, traffic, headBudget);
      return true;
    }
    ChannelHandlerContext detection = pipeline.context(Http1xOrH2CHandler.class);
    if (detection == null) {
      return false;
    }
    pipeline.addAfter(detection.name(), "edgeport-h1-or-h2", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // the detection is done and gone: this read carries the connection's first bytes
        if (ctx.pipeline().get("httpDecoder") != null) {
          add(ctx.pipeline(), maxTargetBytes, limits, traffic, headBudget); // right behind this handler
          Http2Guard.stopAwaiting(ctx.channel());
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
      }
    });
    return false;
  }

  private static void add(ChannelPipeline pipeline, int maxTargetBytes, LimitsConfig limits, Traffic.Loop traffic,
      long headBudget) {
    int maxHead = (int) Math.min(Integer.MAX_VALUE, limits.maxHeaderBytes());
    Http1Guard guard = new Http1Guard(new Http1Scanner(maxHead, maxTargetBytes), maxHead, traffic, limits,
        new HeadBuffer(traffic, headBudget, maxHead));
    pipeline.addBefore("httpDecoder", "edgeport-guard", guard.inbound);
    pipeline.addAfter("httpEncoder", "edgeport-responses", guard.new Outbound());
  }

  private final class Inbound extends ChannelDuplexHandler {
    private ChannelHandlerContext context;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      context = ctx;
    }

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
      if (held != null) {
        hold(ctx, buf); // behind what is held already
        return;
      }
      int bytes = buf.readableBytes();
      int headsBefore = scanner.heads();
      int start = buf.readerIndex();
      int stop = scanner.scan(buf);
      open += scanner.heads() - headsBefore;
      if (stop < 0) {
        if (pending.isEmpty() && !scanner.inHead()) {
          ctx.fireChannelRead(buf); // the common case: whole requests
        } else if (!keepHead(ctx, buf)) {
          return;
        }
        watchTime(ctx, headsBefore, bytes);
        return;
      }
      if (!pending.isEmpty() && !passHeld(ctx, headsBefore)) {
        start = stop; // the refused head began in an earlier read: none of it goes on
      }
      ByteBuf accepted = stop > start ? buf.retainedSlice(start, stop - start) : null;
      boolean switching = scanner.switching();
      if (switching) {
        hold(ctx, buf.readerIndex(stop)); // first: the upgrade request may be answered as it reaches the codec
      } else {
        buf.release();
      }
      if (accepted != null) {
        ctx.fireChannelRead(accepted);
      }
      if (switching) {
        watchTime(ctx, headsBefore, stop - start);
      } else {
        refuse(ctx);
      }
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
      dropHeld();
      pending.release();
      ctx.fireChannelInactive();
    }
  }

  /**
   * A read that ends inside a request head, or goes on with the one held: what comes before that head goes on to the
   * codec, the head's bytes so far wait in {@link #pending} until it is whole (the codec would hold them in the read
   * buffer they came in, whatever its size). False when they do not fit in the event loop's budget: then the
   * connection is refused (503) and nothing of the head is kept.
   */
  private boolean keepHead(ChannelHandlerContext ctx, ByteBuf buf) {
    int readable = buf.readableBytes();
    boolean inHead = scanner.inHead();
    if (!(inHead && scanner.headBytes() > readable) && !pending.isEmpty()) {
      ctx.fireChannelRead(pending.take()); // the held head ended in this read
    }
    int tail = inHead ? Math.min(scanner.headBytes(), readable) : 0;
    if (tail == 0) {
      ctx.fireChannelRead(buf);
      return true;
    }
    if (tail < readable) {
      ctx.fireChannelRead(buf.retainedSlice(buf.readerIndex(), readable - tail));
    }
    boolean kept = pending.add(buf, buf.writerIndex() - tail, tail);
    buf.release();
    if (!kept) {
      scanner.refuseNow(503, "the request heads under way on this event loop would hold over " + pending.budget()
          + " bytes (limits.headBufferBytes)");
      refuse(ctx);
    }
    return kept;
  }

  /**
   * A read that ends in a refusal or an upgrade request while a head is held: the held bytes go to the codec first
   * if their head ended in this read (true), else they are dropped with the refused head (false).
   */
  private boolean passHeld(ChannelHandlerContext ctx, int headsBefore) {
    if (scanner.heads() == headsBefore) {
      pending.release();
      return false;
    }
    ctx.fireChannelRead(pending.take());
    return true;
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
      // 1xx are interim; after a 101 the connection is a tunnel, no longer counted in requests
      if (msg instanceof HttpResponse r) {
        int status = r.status().code();
        if (status == 101) {
          if (refused) {
            ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
            return;
          }
          scanner.switched();
          releaseHeld();
        } else if (status >= 200) {
          if (open == 1 && scanner.switching()) {
            scanner.notSwitched(); // the answer to the upgrade request (those before it are answered)
            releaseHeld();
          }
          responseStarted = true;
          if (answered + 1 >= maxRequests) {
            r.headers().set("connection", "close"); // the connection's last: the client opens a new one
          }
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

  /** Holds bytes after an upgrade request, up to the head limit: a client must wait for the answer. */
  private void hold(ChannelHandlerContext ctx, ByteBuf buf) {
    if (held == null) {
      held = ctx.alloc().compositeBuffer();
    }
    held.addComponent(true, buf);
    if (scanner.switching() && held.readableBytes() > maxHeldBytes) {
      dropHeld();
      scanner.refuseNow(400, "over " + maxHeldBytes + " bytes sent before the upgrade request was answered");
      refuse(ctx);
    }
  }

  /**
   * The upgrade request is answered: what is held goes on once this write is done (after a 101, Vert.x
   * takes the HTTP codec out of the pipeline right after writing it), through {@link Inbound} as if just
   * read.
   */
  private void releaseHeld() {
    if (held == null) {
      return;
    }
    ChannelHandlerContext ctx = inbound.context;
    ctx.executor().execute(() -> {
      CompositeByteBuf bytes = held;
      if (bytes == null) {
        return; // closed meanwhile
      }
      held = null;
      inbound.channelRead(ctx, bytes);
      ctx.fireChannelReadComplete(); // as after a read: Vert.x flushes what it wrote meanwhile
    });
  }

  private void dropHeld() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  /**
   * Answers the refusal when nothing else is being answered on the connection (the refused request
   * itself may have been dispatched when its body broke the rules, but not answered yet); otherwise the
   * connection closes once the response under way ends.
   */
  private void refuse(ChannelHandlerContext ctx) {
    refused = true;
    pending.release(); // a head refused while held (its header timeout) never reaches the codec
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
