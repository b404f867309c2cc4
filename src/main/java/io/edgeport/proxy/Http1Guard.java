package io.edgeport.proxy;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in an HTTP/1.x connection's pipeline in front of the codec and lets through only what
 * {@link Http1Scanner} finds unambiguous. At the first refused byte nothing more reaches the codec
 * (the refused request is never complete there, so it is never dispatched): the client gets the
 * status with {@code Connection: close} and the connection closes. Its second half sits behind the
 * encoder and counts the responses, so the refusal is not written into the middle of an earlier
 * pipelined response: then the connection just closes once that response is out.
 */
final class Http1Guard {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.refused");

  private final Http1Scanner scanner;
  private final Traffic.Loop traffic;
  /** Requests the codec got whose responses have not ended yet, and whether the newest one's has started. */
  private int open;
  private boolean responseStarted;
  private boolean refused;

  private Http1Guard(Http1Scanner scanner, Traffic.Loop traffic) {
    this.scanner = scanner;
    this.traffic = traffic;
  }

  /** Puts a guard into an HTTP/1.x server pipeline (one that has Vert.x's {@code httpDecoder}). */
  static void install(ChannelPipeline pipeline, int maxHeadBytes, int maxTargetBytes, Traffic.Loop traffic) {
    if (pipeline.get("httpDecoder") == null) {
      return; // HTTP/2: its own framing, checked by its codec
    }
    Http1Guard guard = new Http1Guard(new Http1Scanner(maxHeadBytes, maxTargetBytes), traffic);
    pipeline.addBefore("httpDecoder", "edgeport-guard", guard.new Inbound());
    pipeline.addAfter("httpEncoder", "edgeport-responses", guard.new Outbound());
  }

  private final class Inbound extends io.netty.channel.ChannelInboundHandlerAdapter {
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
      int headsBefore = scanner.heads();
      int bad = scanner.scan(buf);
      open += scanner.heads() - headsBefore;
      if (bad < 0) {
        ctx.fireChannelRead(buf);
        return;
      }
      if (bad > buf.readerIndex()) {
        ctx.fireChannelRead(buf.retainedSlice(buf.readerIndex(), bad - buf.readerIndex()));
      }
      buf.release();
      refuse(ctx);
    }
  }

  private final class Outbound extends ChannelDuplexHandler {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse r && r.status().code() != 100) {
        responseStarted = true;
      }
      if (msg instanceof LastHttpContent && responseStarted) {
        responseStarted = false;
        open--;
        if (refused && open <= 0) {
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
