package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What unfinished request heads hold, through {@link Http1Guard} in front of Netty's codec: exactly the bytes
 * that arrived (in a buffer that doubles as more come), charged to the event loop and given back when the head is
 * whole or the connection closes; a read that would take the loop past its budget is answered 503 and closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeadBufferTest {
  private static final String PAD = "0123456789".repeat(6);
  private static final String HEAD = "GET /a HTTP/1.1\r\nHost: api.example.com\r\nX-Pad: " + PAD + "\r\n\r\n";
  private static final String NEXT = "GET /b HTTP/1.1\r\nHost: api.example.com\r\n";
  private final Traffic traffic = new Traffic();

  /** A connection: the guard in front of the codec, and what the codec hands on. */
  private final class Connection {
    final EmbeddedChannel channel = new EmbeddedChannel();
    final List<String> requests = new ArrayList<>();

    Connection(long budget) {
      channel.pipeline().addLast("httpDecoder", new HttpRequestDecoder())
          .addLast("httpEncoder", new HttpResponseEncoder())
          .addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              if (msg instanceof HttpRequest r) {
                assertTrue(r.decoderResult().isSuccess(), r.decoderResult().toString());
                requests.add(r.uri() + " " + r.headers().get("x-pad"));
              }
              ReferenceCountUtil.release(msg);
            }
          });
      Http1Guard.install(channel.pipeline(), 8192, LimitsConfig.DEFAULTS, traffic.loop(), budget);
    }

    Connection send(String text) {
      channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
      return this;
    }

    String answer() {
      ByteBuf out = channel.readOutbound();
      try {
        return out == null ? "" : out.toString(StandardCharsets.ISO_8859_1);
      } finally {
        ReferenceCountUtil.release(out);
      }
    }
  }

  @Test
  void wholeHeadsHoldNothingAndASplitOneHoldsItsBytesUntilItIsWhole() {
    Connection c = new Connection(1 << 20);
    c.send(HEAD + HEAD);
    assertEquals(List.of("/a " + PAD, "/a " + PAD), c.requests);
    assertEquals(0, traffic.headBufferBytes());

    c.send(HEAD + HEAD.substring(0, 30)); // a whole request, then the start of the next
    assertEquals(3, c.requests.size(), "what comes before the unfinished head goes on");
    assertEquals(30, traffic.headBufferBytes(), "exactly the head's bytes");
    c.send(HEAD.substring(30, 40));
    assertEquals(60, traffic.headBufferBytes(), "grown to twice its size for 40 bytes");
    assertEquals(3, c.requests.size(), "the codec sees nothing of it yet");
    c.send(HEAD.substring(40) + NEXT);
    assertEquals(List.of("/a " + PAD, "/a " + PAD, "/a " + PAD, "/a " + PAD), c.requests);
    assertEquals(NEXT.length(), traffic.headBufferBytes(), "the held head went on whole; the next one's start is held");
    c.send("\r\n");
    assertEquals("/b null", c.requests.get(4));
    assertEquals(0, traffic.headBufferBytes(), "given back once the head is whole");

    c.send(HEAD.substring(0, 50));
    assertEquals(50, traffic.headBufferBytes());
    c.channel.close();
    assertEquals(0, traffic.headBufferBytes(), "given back on close");
  }

  @Test
  void aReadThatWouldTakeTheLoopPastItsBudgetIsRefusedWith503AndReleased() {
    Connection a = new Connection(200);
    Connection b = new Connection(200);
    a.send(HEAD.substring(0, 60));
    b.send(HEAD.substring(0, 50));
    assertEquals(110, traffic.headBufferBytes());
    a.send(HEAD.substring(60, 66)); // grows to 120: 170 in all
    assertEquals(170, traffic.headBufferBytes());
    b.send(HEAD.substring(50, 60)); // would grow to 100: 220 in all
    assertTrue(b.answer().startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
    assertFalse(b.channel.isOpen(), "closed after the 503");
    assertEquals(120, traffic.headBufferBytes(), "the refused head's bytes are released");
    assertEquals(1L, traffic.totals().refused().get(503));

    a.send(HEAD.substring(66));
    assertEquals(List.of("/a " + PAD), a.requests, "the other connection's head goes on, whole");
    assertEquals(0, traffic.headBufferBytes());
    a.send(HEAD);
    assertEquals(2, a.requests.size(), "a whole head is never charged, whatever the budget");
  }

  @Test
  void aHeadCutAnywhereReachesTheCodecAsIfWhole() {
    String stream = HEAD + "POST /p HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 3\r\n\r\nabc" + HEAD;
    for (int cut = 0; cut <= stream.length(); cut++) {
      for (int cut2 = cut; cut2 <= stream.length(); cut2 += 7) {
        Connection c = new Connection(1 << 20);
        c.send(stream.substring(0, cut)).send(stream.substring(cut, cut2)).send(stream.substring(cut2));
        assertEquals(List.of("/a " + PAD, "/p null", "/a " + PAD), c.requests, "cut at " + cut + ", " + cut2);
        assertEquals(0, traffic.headBufferBytes(), "cut at " + cut + ", " + cut2);
        c.channel.close();
      }
    }
  }
}
