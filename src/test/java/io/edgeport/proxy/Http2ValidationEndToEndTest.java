package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.balance.Endpoint;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawH2;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 requests whose fields break RFC 9113 §8.2.1 (sent byte for byte by a raw h2 client, which Vert.x's or
 * Netty's clients would refuse to send) are answered 400 and never reach a node over HTTP/1.1; valid ones pass.
 */
@Timeout(120)
class Http2ValidationEndToEndTest extends LiveNodesTest {

  private RawH2.Outcome get(int port, String path, String... header) throws Exception {
    try (RawH2 h2 = new RawH2(port)) {
      h2.socketTimeout(10_000); // before the fix some of these were never answered
      h2.get(1, "api.example.com", path, header);
      return h2.await(1);
    }
  }

  @Test
  void malformedFieldsAndPathsAre400AndNothingAmbiguousReachesANode() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes).replace("listen:\n", "listen:\n  h2c: true\n"), 1);
    String[][] badHeaders = {
        {"x-ctl", "a\u0001b"}, {"x-nul", "a\u0000b"}, {"x-lf", "a\nb"}, {"x-cr", "a\rb"}, {"x-fold", "a\r\n b"},
        {"x-del", "a\u007fb"}, {"x-lead", " a"}, {"x-trail", "a\t"}, {"x-tab-lead", "\ta"}, {"x sp", "a"},
        {"x:colon", "a"}, {"x(paren)", "a"}, {"caf\u00e9", "a"},
    };
    List<String> wrong = new ArrayList<>();
    for (String[] h : badHeaders) {
      RawH2.Outcome o = get(port, "/x", h[0], h[1]);
      if (o.status() != 400) {
        wrong.add(printable(h[0] + ": " + h[1]) + " -> " + o);
      }
    }
    for (String path : new String[] {"/a b", "/a\tb", "/a\u0001b", "/a\u007fb", "http://api.example.com/x"}) {
      RawH2.Outcome o = get(port, path);
      if (o.status() != 400) {
        wrong.add(":path " + printable(path) + " -> " + o);
      }
    }
    assertEquals(List.of(), wrong);
    try (RawH2 h2 = new RawH2(port)) {
      h2.socketTimeout(10_000);
      h2.request(1, "G(T", "api.example.com", "/x", true);
      assertTrue(h2.await(1).connectionEnded(), "a method that is not a token: Netty's codec ends the connection");
    }
    assertEquals(0, nodes.ambiguousReceived(), "no control character reached a node");
    assertEquals(18L, gateway.traffic().totals().refused().get(400), "counted as refused");
    assertFalse(nodes.awaitRequest(0), "no malformed request reached a node at all");

    // what the rules allow passes: an inner TAB, obs-text, a query
    for (String[] h : new String[][] {{"x-tab", "a\tb"}, {"x-text", "caf\u00e9"}, {"x-ok", "plain"}}) {
      assertEquals(200, get(port, "/ok?q=1", h[0], h[1]).status(), printable(h[0] + ": " + h[1]));
    }
    Poll.until(() -> gateway.generation().routes().route("api.example.com", "/").backends().all().stream()
        .flatMap(b -> b.balancer().endpoints().stream()).mapToInt(Endpoint::inFlight).sum() == 0, 10,
        "no request is left counted on a node");
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }
}
