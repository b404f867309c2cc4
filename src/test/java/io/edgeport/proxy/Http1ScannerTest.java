package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The strict HTTP/1.x reader on its own: the same verdict wherever the stream is cut into reads. */
class Http1ScannerTest {
  private static final String H = "Host: a.example.com\r\n";

  /** Feeds {@code text} cut at {@code cut}; returns the refusal status, or 0 and the heads accepted (negated). */
  static int verdict(String text, int cut) {
    Http1Scanner s = new Http1Scanner(1024, 256);
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    for (ByteBuf part : new ByteBuf[] {Unpooled.wrappedBuffer(bytes, 0, cut),
        Unpooled.wrappedBuffer(bytes, cut, bytes.length - cut)}) {
      if (s.scan(part) >= 0) {
        return s.status();
      }
    }
    return -s.heads();
  }

  static void assertEverywhere(String text, int expected) {
    for (int cut = 0; cut <= text.length(); cut++) {
      assertEquals(expected, verdict(text, cut), "cut at " + cut + ": " + text.replace("\r\n", "|"));
    }
  }

  @Test
  void acceptsValidStreamsCutAnywhere() {
    assertEverywhere("GET / HTTP/1.1\r\n" + H + "\r\n", -1);
    assertEverywhere("\r\nGET /a?b=c HTTP/1.0\r\n\r\n", -1); // a leading empty line; HTTP/1.0 needs no Host
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n" + H + "\r\n", -2);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n"
        + "a;ext=\"v\"\r\n0123456789\r\nA \r\n0123456789\r\n0\r\nT: v\r\n\r\nGET / HTTP/1.1\r\n" + H + "\r\n", -2);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nab", -1);
    assertEverywhere("GET / HTTP/1.1\r\n" + H + "X-Obs: caf\u00e9\t!\r\n\r\n", -1); // obs-text and HTAB
  }

  @Test
  void refusesEachAmbiguityWithItsStatusCutAnywhere() {
    assertEverywhere("GET / HTTP/1.1\r\n" + H + "X: a\r\n b\r\n\r\n", 400);
    assertEverywhere("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400);
    assertEverywhere("GET / HTTP/1.1\r\n" + H + H + "\r\n", 400);
    assertEverywhere("GET / HTTP/1.1\r\n\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 3, 4\r\n\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400);
    assertEverywhere("GET / HTTP/1.2\r\n" + H + "\r\n", 505);
    assertEverywhere("GET / HTTP/1.1\n" + H + "\r\n", 400);
    assertEverywhere("GET /\u0001 HTTP/1.1\r\n" + H + "\r\n", 400);
    assertEverywhere("GET / HTTP/1.1\r\n" + H + "X: a\rb\r\n\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n1g\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n1234567890abcdef0\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", 400);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\nT : v\r\n\r\n", 400);
    assertEverywhere("GET /" + "a".repeat(300) + " HTTP/1.1\r\n\r\n", 414);
    assertEverywhere("GET / HTTP/1.1\r\n" + H + "X: " + "a".repeat(1100) + "\r\n\r\n", 431);
  }

  @Test
  void aRefusalPointsAtItsByteAndStopsEverythingAfter() {
    Http1Scanner s = new Http1Scanner(1024, 256);
    String good = "GET / HTTP/1.1\r\n" + H + "\r\n";
    ByteBuf buf = Unpooled.copiedBuffer(good + "GET / HTTP/1.1\r\nX : v\r\n\r\n", StandardCharsets.US_ASCII);
    int at = s.scan(buf);
    assertEquals(good.length() + "GET / HTTP/1.1\r\nX".length(), at, "the space before the colon");
    assertEquals(1, s.heads());
    assertTrue(s.scan(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n" + H + "\r\n", StandardCharsets.US_ASCII)) >= 0);
  }

  @Test
  void emptyLinesBeforeARequestAreIgnoredAfterAnyBody() {
    String get = "GET / HTTP/1.1\r\n" + H + "\r\n";
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc\r\n" + get, -2);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc\r\n\r\n\n" + get, -2);
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n\r\n" + get, -2);
    assertEverywhere(get + "\r\n" + get, -2);
    // a few of them: five are too many
    assertEverywhere("POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc" + "\r\n".repeat(5) + get, 400);
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
  }

  @Test
  void whatFollowsAnUpgradeRequestWaitsForItsAnswerAndIsOpaqueOnlyAfterA101() {
    String upgrade = "GET /ws HTTP/1.1\r\n" + H + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    Http1Scanner s = new Http1Scanner(1024, 256);
    assertEquals(upgrade.length(), s.scan(bytes(upgrade + "\u0081\u0000 not http")), "held from here");
    assertTrue(s.switching());
    assertEquals(1, s.heads());
    assertEquals(0, s.scan(bytes("more")), "held whole while the answer is out");
    s.switched();
    assertFalse(s.switching());
    assertEquals(-1, s.scan(bytes("\u0081\u0000 not http")));
    assertEquals(-1, s.scan(bytes("\u0000\u0001 frames")));
  }

  @Test
  void anUpgradeAnsweredWithoutA101LeavesTheNextRequestAsStrictlyRead() {
    String obsFold = "GET / HTTP/1.1\r\n" + H + "X: a\r\n b\r\n\r\n";
    for (String upgrade : new String[] {"GET / HTTP/1.1\r\n" + H + "Upgrade: foo\r\n\r\n",
        "GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "POST / HTTP/1.1\r\n" + H + "Upgrade: h2c\r\nContent-Length: 2\r\n\r\nab"}) {
      Http1Scanner s = new Http1Scanner(1024, 256);
      assertEquals(upgrade.length(), s.scan(bytes(upgrade + obsFold)), upgrade);
      assertTrue(s.switching(), upgrade);
      s.notSwitched();
      assertEquals(obsFold.indexOf(" b"), s.scan(bytes(obsFold)), upgrade);
      assertEquals(400, s.status());
    }
    Http1Scanner s = new Http1Scanner(1024, 256);
    assertEquals(-1, s.scan(bytes("GET / HTTP/1.1\r\n" + H + "Upgrade: foo\r\n\r\n")), "nothing after it yet");
    s.notSwitched();
    assertEquals(-1, s.scan(bytes("GET / HTTP/1.1\r\n" + H + "\r\n")));
    assertEquals(2, s.heads());
    assertTrue(s.scan(bytes("GET / HTTP/1.1\r\n" + H + "X: " + "a".repeat(1100) + "\r\n\r\n")) >= 0);
    assertEquals(431, s.status(), "the head limit holds after it too");
  }
}
