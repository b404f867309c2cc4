package io.edgeport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.config.EdgeportConfig;
import io.edgeport.control.Status;
import io.edgeport.health.CheckKey;
import io.edgeport.health.NodeReport;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A running gateway given new configs: what changes, what stays, and what is refused as a whole. */
class EdgeportReloadTest extends LiveNodesTest {

  String config(int port, String extra, String... hosts) {
    StringBuilder domains = new StringBuilder("domains:\n");
    for (String h : hosts) {
      domains.append("  - host: ").append(h).append("\n    nodePort: ").append(nodes.port()).append('\n');
    }
    return "listen:\n  http: \"127.0.0.1:" + port + "\"\n" + extra + Configs.nodes(nodes) + domains;
  }

  /** The config as a reload reads it: always the same file. */
  EdgeportConfig load(String yaml) throws Exception {
    java.nio.file.Path file = dir.resolve("edgeport.yaml");
    java.nio.file.Files.writeString(file, yaml);
    return io.edgeport.config.ConfigLoader.load(file).config();
  }

  @Test
  void domainsChangeInPlaceAndNodesKeepTheirHealthState() throws Exception {
    int port = Configs.freePort();
    startGateway(config(port, "", "api.example.com"), 2);
    Map<CheckKey, NodeReport> before = gateway.health().reports();
    long version = gateway.generation().version();
    try (RawHttp keptAlive = new RawHttp(port)) {
      assertEquals(200, keptAlive.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());

      gateway.reload(load(config(port, "", "api.example.com", "www.example.com")), "test").await(20, TimeUnit.SECONDS);

      assertTrue(gateway.generation().version() > version, "a new generation");
      assertEquals(200, keptAlive.send("GET / HTTP/1.1\r\nHost: www.example.com", null).read(false).status(),
          "the new domain is served on a connection opened before the reload: the listener was kept");
      Map<CheckKey, NodeReport> after = gateway.health().reports();
      assertEquals(before.keySet(), after.keySet());
      before.forEach((k, r) -> assertEquals(r.since(), after.get(k).since(), "health state kept for " + k));
    }
    gateway.reload(load(config(port, "", "www.example.com")), "test").await(20, TimeUnit.SECONDS);
    assertEquals(404, RawHttp.get(port, "api.example.com", "/").status());
    assertTrue(gateway.status().lastReload().ok());
  }

  @Test
  void aNewListenAddressIsBoundBeforeTheOldOneDrains() throws Exception {
    int first = Configs.freePort();
    startGateway(config(first, "", "api.example.com"), 2);
    int second = Configs.freePort();
    gateway.reload(load(config(second, "", "api.example.com")), "test").await(20, TimeUnit.SECONDS);
    assertEquals(second, gateway.port());
    assertEquals(200, RawHttp.get(second, "api.example.com", "/").status());
    assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), first).close(),
        "the old listener is closed");
  }

  @Test
  void aPortThatCannotBeBoundRefusesTheWholeConfig() throws Exception {
    int port = Configs.freePort();
    startGateway(config(port, "", "api.example.com"), 1);
    EdgeportConfig serving = gateway.status().config();
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      EdgeportConfig moved = load(config(busy.getLocalPort(), "", "api.example.com", "www.example.com"));
      assertThrows(Exception.class, () -> gateway.reload(moved, "test").await(20, TimeUnit.SECONDS));
    }
    assertFalse(gateway.status().lastReload().ok());
    assertTrue(gateway.status().lastReload().error().contains("in use"), gateway.status().lastReload().error());
    assertSame(serving, gateway.status().config(), "nothing of it was applied");
    assertEquals(port, gateway.port());
    assertEquals(404, RawHttp.get(port, "www.example.com", "/").status(), "the old routes keep serving");
    assertEquals(200, RawHttp.get(port, "api.example.com", "/").status());
  }

  @Test
  void timeoutsApplyToNewRequestsAndTheListenerStays() throws Exception {
    int port = Configs.freePort();
    startGateway(config(port, "", "api.example.com"), 1);
    assertEquals(200, RawHttp.get(port, "api.example.com", "/slow?ms=1200").status());
    var proxyBefore = gateway.generation().forwarding();
    try (RawHttp keptAlive = new RawHttp(port)) {
      assertEquals(200, keptAlive.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status());
      gateway.reload(load(config(port, "timeouts:\n  response: 500ms\n  idle: 30s\n", "api.example.com")), "test")
          .await(20, TimeUnit.SECONDS);
      assertNotEquals(proxyBefore, gateway.generation().forwarding());
      assertEquals(504, RawHttp.get(port, "api.example.com", "/slow?ms=1200").status(),
          "the new response timeout applies");
      assertEquals(200, keptAlive.send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false).status(),
          "a new idle timeout does not move the listener: its connections stay");
    }
  }

  @Test
  void anUnchangedConfigIsNotANewGeneration() throws Exception {
    int port = Configs.freePort();
    String yaml = config(port, "", "api.example.com");
    gateway = Edgeport.start(vertx, load(yaml), 1).await(40, TimeUnit.SECONDS);
    Status view = gateway.status();
    gateway.reload(load(yaml.replace("domains:", "# a comment\ndomains:")), "test").await(20, TimeUnit.SECONDS);
    assertTrue(gateway.status().lastReload().ok());
    assertNotEquals(view.config(), gateway.status().config(),
        "a comment moved a domain's line: its origin changed, which status shows");
    Status moved = gateway.status();
    gateway.reload(load(yaml.replace("domains:", "# a comment\ndomains:")), "test").await(20, TimeUnit.SECONDS);
    assertSame(moved.config(), gateway.status().config(), "the same config again changes nothing");
    assertTrue(gateway.status().lastReload().ok());
  }
}
