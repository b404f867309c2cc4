package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.net.ProxyProtocolHeader;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** backendProxyProtocol: a node that reads PROXY headers sees each client's own address, on its own connections. */
class BackendProxyProtocolTest extends LiveNodesTest {

  @Test
  void theHeaderNamesTheClientInBothVersions() {
    assertEquals("PROXY TCP4 203.0.113.7 127.0.0.1 40000 80\r\n",
        ProxyProtocolHeader.of(1, "203.0.113.7", 40000, "127.0.0.1", 80).toString(StandardCharsets.US_ASCII));
    byte[] v2 = new byte[28];
    ProxyProtocolHeader.of(2, "203.0.113.7", 40000, "127.0.0.1", 80).readBytes(v2);
    assertEquals(0x21, v2[12]); // version 2, PROXY
    assertEquals(0x11, v2[13]); // TCP over IPv4
    assertEquals(12, v2[15]);
    assertEquals((byte) 203, v2[16]);
    assertEquals((byte) 0x9C, v2[24]); // source port 40000
  }

  @Test
  void eachClientConnectionGetsItsOwnNodeConnectionNamingIt() throws Exception {
    for (String version : new String[] {"v1", "v2"}) {
      AtomicInteger connections = new AtomicInteger();
      int nodePort = Configs.freePort();
      var node = vertx.createHttpServer(new HttpServerOptions().setUseProxyProtocol(true))
          .connectionHandler(c -> connections.incrementAndGet())
          .requestHandler(req -> req.response().end(req.remoteAddress().hostAddress()))
          .listen(nodePort, "127.0.0.5").await(10, TimeUnit.SECONDS);
      int port = Configs.freePort();
      startGateway("""
          listen:
            http: "127.0.0.1:%d"
          nodes: [127.0.0.5]
          domains:
            - host: api.example.com
              nodePort: %d
              backendProxyProtocol: %s
          """.formatted(port, nodePort, version), 1);
      int checks = connections.get(); // the health check's TCP connects (no header): not requests
      try (RawHttp a = new RawHttp(port, "127.0.0.40"); RawHttp b = new RawHttp(port, "127.0.0.41")) {
        for (int i = 0; i < 2; i++) {
          assertEquals("127.0.0.40", a.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).text());
          assertEquals("127.0.0.41", b.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).text());
        }
      }
      assertEquals(2, connections.get() - checks, version + ": one node connection per client connection");
      gateway.close().await(10, TimeUnit.SECONDS);
      gateway = null;
      node.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClosedClientConnectionGivesItsSlotBack() throws Exception {
    int nodePort = Configs.freePort();
    vertx.createHttpServer(new HttpServerOptions().setUseProxyProtocol(true))
        .requestHandler(req -> req.response().end(req.remoteAddress().hostAddress()))
        .listen(nodePort, "127.0.0.5").await(10, TimeUnit.SECONDS);
    int port = Configs.freePort();
    startGateway("""
        listen:
          http: "127.0.0.1:%d"
        nodes: [127.0.0.5]
        domains:
          - host: api.example.com
            nodePort: %d
            backendProxyProtocol: v1
        limits:
          maxConnectionsPerIp: 2
        """.formatted(port, nodePort), 1);
    for (int i = 0; i < 4; i++) { // more connections than the address may hold at once, one after the other
      try (RawHttp client = new RawHttp(port, "127.0.0.42")) {
        assertEquals("127.0.0.42", client.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).text());
      }
      int n = i;
      Poll.until(() -> gateway.traffic().totals().openConnections() == 0, 10,
          "client connection " + n + " is counted closed");
    }
    try (RawHttp client = new RawHttp(port, "127.0.0.42")) {
      assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status(),
          "the address is not locked out");
    }
    assertEquals(0, gateway.traffic().totals().connectionsRefused());
  }
}
