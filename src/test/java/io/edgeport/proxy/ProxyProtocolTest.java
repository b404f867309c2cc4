package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * listen.proxyProtocol: the client address from a v1 or v2 header of a balancer in listen.proxyProtocolFrom, and
 * nothing without one or from elsewhere.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyProtocolTest extends LiveNodesTest {
  private static final byte[] GET = "GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** A source outside proxyProtocolFrom (RawHttp connects from 127.0.0.1 unless told otherwise). */
  private static final String OUTSIDER = "127.0.0.9";

  private int start() throws Exception {
    int port = Configs.freePort();
    startGateway(config(port, "[\"127.0.0.1\"]"), 1);
    return port;
  }

  private String config(int port, String proxyProtocolFrom) {
    return """
        listen:
          http: "127.0.0.1:%d"
          proxyProtocol: true
          proxyProtocolFrom: %s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
            deny: ["198.51.100.0/24"]
        """.formatted(port, proxyProtocolFrom, Configs.nodes(nodes), nodes.port());
  }

  static byte[] v1(String client) {
    return ("PROXY TCP4 " + client + " 127.0.0.1 40000 80\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** A v2 header: signature, PROXY command over TCP/IPv4, then source, destination and their ports. */
  static byte[] v2(int[] client) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    out.write(0x21); // version 2, PROXY
    out.write(0x11); // TCP over IPv4
    out.write(0);
    out.write(12);
    for (int b : client) {
      out.write(b);
    }
    out.writeBytes(new byte[] {127, 0, 0, 1, (byte) 0x9C, 0x40, 0, 80});
    return out.toByteArray();
  }

  private static RawHttp.Response send(int port, byte[] header) throws Exception {
    return send(port, null, header);
  }

  private static RawHttp.Response send(int port, String from, byte[] header) throws Exception {
    try (RawHttp client = new RawHttp(port, from)) {
      client.write(header);
      client.write(GET);
      return client.read(false);
    }
  }

  private static String forwardedFor(RawHttp.Response r) {
    for (Object h : new JsonObject(r.text()).getJsonArray("headers")) {
      io.vertx.core.json.JsonArray pair = (io.vertx.core.json.JsonArray) h;
      if (pair.getString(0).equals("x-forwarded-for")) {
        return pair.getString(1);
      }
    }
    return null;
  }

  @Test
  void v1AndV2HeadersGiveTheClientAddressToForwardingAndToTheRules() throws Exception {
    int port = start();
    RawHttp.Response viaV1 = send(port, v1("203.0.113.7"));
    assertEquals(200, viaV1.status());
    assertEquals("203.0.113.7", forwardedFor(viaV1));
    RawHttp.Response viaV2 = send(port, v2(new int[] {192, 0, 2, 44}));
    assertEquals(200, viaV2.status());
    assertEquals("192.0.2.44", forwardedFor(viaV2));
    assertEquals(403, send(port, v1("198.51.100.5")).status(), "deny sees the real client");
  }

  @Test
  void aConnectionWithoutAHeaderIsClosedUnanswered() throws Exception {
    int port = start();
    try (RawHttp client = new RawHttp(port)) {
      client.write(GET);
      assertTrue(client.closedByServer());
    }
    assertEquals(false, nodes.awaitRequest(0));
  }

  @Test
  void aHeaderFromOutsideProxyProtocolFromIsNotBelievedAndItsConnectionClosed() throws Exception {
    int port = start();
    for (byte[] header : List.of(v1("203.0.113.7"), v2(new int[] {192, 0, 2, 44}))) {
      try (RawHttp client = new RawHttp(port, OUTSIDER)) {
        client.write(header);
        client.write(GET);
        assertTrue(client.closedByServer(), "closed unanswered");
      }
    }
    assertEquals(false, nodes.awaitRequest(0), "no node saw a request of theirs");
    assertEquals(2L, gateway.traffic().totals().connectionsRefused());
    assertEquals(200, send(port, v1("203.0.113.7")).status(), "the balancer in the list is served as before");

    // a reload applies to the next connection: the listener and its socket stay
    gateway.reload(Configs.load(dir, config(port, "[\"127.0.0.1\", \"" + OUTSIDER + "/32\"]")), "test")
        .await(20, TimeUnit.SECONDS);
    RawHttp.Response admitted = send(port, OUTSIDER, v1("203.0.113.8"));
    assertEquals(200, admitted.status());
    assertEquals("203.0.113.8", forwardedFor(admitted));
  }
}
