package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.admin.AdminServer;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.PrometheusText;
import io.edgeport.support.RawHttp;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies kept for a retry are bounded in sum ({@code limits.retryBufferBytes}): with the buffer held by one slow
 * PUT, the next one streams to a node at once (no retry for it), and that is counted; both are served whole.
 */
@Timeout(120)
class RetryBufferEndToEndTest extends LiveNodesTest {

  @Test
  void aBodyBeyondTheRetryBufferStreamsWithoutARetryAndIsCounted() throws Exception {
    int port = Configs.freePort();
    int adminPort = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes) + "admin: \"127.0.0.1:" + adminPort + "\"\n"
        + "limits:\n  retryBufferBytes: 64KiB\n", 1, new AdminServer(vertx, "test")); // one event loop: all of it
    byte[] body = new byte[60_000];
    String head = "PUT /upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: " + body.length;
    try (RawHttp first = new RawHttp(port); RawHttp second = new RawHttp(port)) {
      first.send(head, null).write(java.util.Arrays.copyOf(body, 100)); // slow: 100 of 60,000 bytes
      Poll.until(() -> gateway.traffic().totals().retryBufferBytes() == 60_000, 10, "the first PUT is held");
      assertFalse(nodes.awaitRequest(1), "a body kept for a retry is read whole before a node sees it");

      second.send(head, null).write(java.util.Arrays.copyOf(body, 100));
      assertTrue(nodes.awaitRequest(10), "60,000 more bytes do not fit in 64 KiB: the second streams to a node");
      assertEquals(1L, gateway.traffic().totals().retryBufferFull());
      assertEquals(60_000L, gateway.traffic().totals().retryBufferBytes());
      List<PrometheusText.Sample> metrics = PrometheusText.parse(RawHttp.get(adminPort, "127.0.0.1", "/metrics").text());
      assertEquals(1.0, PrometheusText.sum(metrics, "edgeport_retry_buffer_full_total", Map.of()));
      assertEquals(60_000.0, PrometheusText.sum(metrics, "edgeport_retry_buffer_bytes", Map.of()));

      second.write(java.util.Arrays.copyOfRange(body, 100, body.length));
      assertEquals(60_000L, new JsonObject(second.read(false).text()).getLong("bodyBytes"));
      first.write(java.util.Arrays.copyOfRange(body, 100, body.length));
      assertEquals(60_000L, new JsonObject(first.read(false).text()).getLong("bodyBytes"));
    }
    Poll.until(() -> gateway.traffic().totals().retryBufferBytes() == 0, 10, "the buffer is given back");
  }
}
