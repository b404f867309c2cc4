package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.balance.Endpoint;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawH2;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlines on both protocols, with short configured limits: a request body's total time (a pause under the body
 * timeout does not keep it going), an HTTP/2 body that stalls, an HTTP/2 connection kept busy only by PINGs, and a
 * client that does not read its response, whose node connection must be freed.
 */
@Timeout(120)
class DeadlinesEndToEndTest extends LiveNodesTest {

  /**
   * @param h2c the plain listener also takes HTTP/2 with prior knowledge (the HTTP/2 tests)
   */
  private int start(boolean h2c, String limits, String timeouts) throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes).replace("listen:\n", "listen:\n  h2c: " + h2c + "\n")
        + "limits:\n" + limits.indent(2) + (timeouts == null ? "" : "timeouts:\n" + timeouts.indent(2)), 1);
    return port;
  }

  /** Requests the nodes of api.example.com are serving for the gateway now. */
  private int inFlight() {
    return gateway.generation().routes().route("api.example.com", "/").backends().all().stream()
        .flatMap(b -> b.balancer().endpoints().stream()).mapToInt(Endpoint::inFlight).sum();
  }

  private HttpClient h2c() {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  private static RequestOptions to(int port, HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setHost("api.example.com").setPort(port)
        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1")).setURI(uri);
  }

  /** Writes one byte of {@code req} every 200 ms (at most 100) until its response arrives. */
  private Future<HttpClientResponse> trickle(HttpClientRequest req) {
    int[] sent = {0};
    long pace = vertx.setPeriodic(200, id -> {
      if (sent[0]++ < 100) {
        req.write(Buffer.buffer("x"));
      }
    });
    return req.response().onComplete(r -> vertx.cancelTimer(pace));
  }

  @Test
  void anHttp1BodyTrickledInsideEveryPauseIsCutOffByTheMinimumRate() throws Exception {
    // bodyTimeout 1 s and the default minBodyRate (1 KiB/s): the body must be whole after about 1 s
    int port = start(false, "bodyTimeout: 1s", null);
    NetSocket slow = vertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    Buffer answer = Buffer.buffer();
    CompletableFuture<Long> closedAfter = new CompletableFuture<>();
    long started = System.nanoTime();
    slow.handler(answer::appendBuffer);
    slow.closeHandler(v -> closedAfter.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    slow.write(Buffer.buffer("POST /upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: 1000\r\n\r\n",
        "US-ASCII"));
    int[] sent = {0};
    long pace = vertx.setPeriodic(200, id -> { // a byte every 200 ms: never a pause of the body timeout
      if (sent[0]++ < 100 && !closedAfter.isDone()) {
        slow.write(Buffer.buffer("x"));
      }
    });
    try {
      long heldMillis = closedAfter.get(15, TimeUnit.SECONDS);
      assertTrue(answer.toString().startsWith("HTTP/1.1 408 "), answer.toString());
      assertTrue(heldMillis >= 900 && heldMillis < 8000, "held for " + heldMillis + " ms with a 1 s body timeout");
    } finally {
      vertx.cancelTimer(pace);
    }
    assertEquals(1L, gateway.traffic().totals().refused().get(408));
    Poll.until(() -> inFlight() == 0, 10, "the node's request ends with the client's");
  }

  @Test
  void anHttp2BodyThatStallsIsAnswered408ThenResetAndItsNodeRequestEnds() throws Exception {
    int port = start(true, "bodyTimeout: 1s", null);
    try (RawH2 h2 = new RawH2(port)) {
      h2.socketTimeout(15_000);
      long started = System.nanoTime();
      // DATA without a Content-Length: streamed to a node as it comes, then nothing more
      h2.request(1, "POST", "api.example.com", "/upload", false).data(1, "0123456789".getBytes(), false);
      assertEquals(408, h2.await(1).status());
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(heldMillis >= 900 && heldMillis < 8000, "held for " + heldMillis + " ms with a 1 s body timeout");
      RawH2.Frame reset = h2.next(1, RawH2.RST_STREAM);
      assertNotNull(reset);
      assertEquals(0, reset.errorCode(), "NO_ERROR after a complete answer: the client stops sending (RFC 9113 8.1)");
      Poll.until(() -> inFlight() == 0, 10, "the node's request is reset, its connection freed");
      h2.get(3, "api.example.com", "/after");
      assertEquals(200, h2.await(3).status(), "the connection's other streams go on");
    }
    assertEquals(1L, gateway.traffic().totals().refused().get(408));
  }

  @Test
  void anHttp2BodyTrickledInsideEveryPauseIsCutOffByTheMinimumRateWhetherKeptForARetryOrStreamed()
      throws Exception {
    int port = start(true, "bodyTimeout: 1s", null);
    HttpClient client = h2c();
    // a PUT with a small Content-Length is read whole for a retry; a POST streams to a node as it comes
    for (HttpMethod method : new HttpMethod[] {HttpMethod.PUT, HttpMethod.POST}) {
      long started = System.nanoTime();
      HttpClientResponse r = client.request(to(port, method, "/upload")).compose(req -> {
        req.putHeader("content-length", "1000");
        return trickle(req);
      }).await(15, TimeUnit.SECONDS);
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals(408, r.statusCode(), method.name());
      assertTrue(heldMillis >= 900 && heldMillis < 8000, method + " held for " + heldMillis + " ms");
    }
    Poll.until(() -> inFlight() == 0, 10, "no node request is left");
    assertEquals(0L, gateway.traffic().totals().retryBufferBytes(), "the PUT's retry buffer is given back");
    HttpClientResponse whole = client.request(to(port, HttpMethod.PUT, "/upload"))
        .compose(req -> req.send(Buffer.buffer("whole"))).await(15, TimeUnit.SECONDS);
    assertEquals(200, whole.statusCode(), "a whole body after them is served");
  }

  @Test
  void pingsDoNotKeepAnIdleHttp2ConnectionOpen() throws Exception {
    int port = start(true, "headerTimeout: 1s", "idle: 1s");
    try (RawH2 h2 = new RawH2(port)) {
      long started = System.nanoTime();
      long pinging = vertx.setPeriodic(200, id -> {
        try {
          h2.ping();
        } catch (java.io.IOException e) {
          // closed: the assertion below tells
        }
      });
      try {
        assertTrue(h2.awaitClose(10_000), "still open 10 s after a 1 s idle timeout, PINGed every 200 ms");
      } finally {
        vertx.cancelTimer(pinging);
      }
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(heldMillis >= 900, "closed after " + heldMillis + " ms with a 1 s idle timeout");
    }
  }

  @Test
  void aStreamAnsweredBeforeItsClientEndedItIsResetAndTheConnectionThenIdlesOut() throws Exception {
    int port = start(true, "headerTimeout: 1s\nbodyTimeout: 1s", "idle: 1s");
    // HEADERS without END_STREAM: answered by the gateway (unknown host), and by a node (an empty body declared)
    String[][] requests = {{"unknown.example.com", "/", "404"}, {"api.example.com", "/x", "200"}};
    for (String[] request : requests) {
      try (RawH2 h2 = new RawH2(port)) {
        h2.socketTimeout(15_000);
        h2.request(1, "GET", request[0], request[1], false, "content-length", "0");
        assertEquals(Integer.parseInt(request[2]), h2.await(1).status(), request[0]);
        RawH2.Frame reset = h2.next(1, RawH2.RST_STREAM);
        assertNotNull(reset, request[0] + ": the answered stream is reset");
        assertEquals(0, reset.errorCode(), "NO_ERROR: the answer is complete (RFC 9113 8.1)");
        long answered = System.nanoTime();
        long pinging = vertx.setPeriodic(200, id -> {
          try {
            h2.ping();
          } catch (java.io.IOException e) {
            // closed: the assertion below tells
          }
        });
        try {
          assertTrue(h2.awaitClose(10_000), request[0] + ": still open 10 s after a 1 s idle timeout");
        } finally {
          vertx.cancelTimer(pinging);
        }
        long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
        assertTrue(heldMillis >= 900, "closed after " + heldMillis + " ms with a 1 s idle timeout");
      }
    }
  }

  @Test
  void anHttp2ConnectionWhoseFirstSettingsTrickleInIsClosedByTheHeaderTimeout() throws Exception {
    // the idle timeout is longer than the pace of the bytes: only the header timeout can end it
    int port = start(true, "headerTimeout: 1s", "idle: 3s");
    NetSocket slow = vertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
    long heldMillis = RawH2.trickleSettings(vertx, slow).get(15, TimeUnit.SECONDS);
    assertTrue(heldMillis >= 900 && heldMillis < 8000, "held for " + heldMillis + " ms with a 1 s header timeout");
  }

  @Test
  void anHttp1ClientThatDoesNotReadIsCutOffAndItsNodeConnectionFreed() throws Exception {
    int port = start(false, "sendTimeout: 1s", null);
    long size = 64L << 20; // far more than the socket buffers hold
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      s.setSoTimeout(20_000);
      long started = System.nanoTime();
      s.getOutputStream().write(("GET /download?bytes=" + size + " HTTP/1.1\r\nHost: api.example.com\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertTrue(nodes.awaitRequest(10));
      Poll.until(() -> inFlight() == 0, 20, "the node connection of a client that reads nothing is freed");
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(heldMillis >= 900, "freed after " + heldMillis + " ms with a 1 s send timeout");
      assertTrue(readAll(s.getInputStream()) < size, "the client was cut off");
    }
  }

  @Test
  void anHttp2StreamWhoseClientDoesNotReadIsResetAndItsNodeConnectionFreed() throws Exception {
    int port = start(true, "sendTimeout: 1s", null);
    try (RawH2 h2 = new RawH2(port, 0x4, 1024)) { // SETTINGS_INITIAL_WINDOW_SIZE 1 KiB, never a WINDOW_UPDATE
      h2.socketTimeout(20_000);
      long started = System.nanoTime();
      h2.get(1, "api.example.com", "/download?bytes=" + (16 << 20));
      assertEquals(200, h2.await(1).status());
      RawH2.Frame reset = h2.next(1, RawH2.RST_STREAM);
      assertNotNull(reset, "the stream is reset, the connection stays");
      assertEquals(8, reset.errorCode(), "CANCEL");
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(heldMillis >= 900 && heldMillis < 15_000, "reset after " + heldMillis + " ms, 1 s send timeout");
      Poll.until(() -> inFlight() == 0, 10, "the node connection is freed");
      h2.get(3, "api.example.com", "/after");
      assertEquals(200, h2.await(3).status(), "the connection's other streams go on");
    }
  }

  /** Reads to the end of the stream (or a reset); the bytes read. */
  private static long readAll(InputStream in) {
    byte[] buf = new byte[65536];
    long n = 0;
    try {
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        n += r;
      }
    } catch (java.io.IOException e) {
      // reset by the gateway: cut off all the same
    }
    return n;
  }
}
