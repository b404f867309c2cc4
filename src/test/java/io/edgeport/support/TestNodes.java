package io.edgeport.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-ins for cluster nodes: an HTTP server on 127.0.0.2, 127.0.0.3, … all on one free "nodePort",
 * each reporting which node answered and what it received.
 *
 * <ul>
 *   <li>any path: 200 JSON {node, method, uri, headers:[[name,value]…], bodyBytes, bodySha256}, the
 *       body hashed as it streams in</li>
 *   <li>{@code /download?bytes=N}: N deterministic bytes ({@link #pattern}), streamed chunked</li>
 *   <li>{@code /slow?ms=N}: answers after N ms</li>
 *   <li>{@code /status?code=N&on=ADDRESS}: the node at ADDRESS answers status N (the others as any path)</li>
 *   <li>{@code /hop}: a response carrying hop-by-hop headers</li>
 *   <li>{@code /named-length}: a response whose Connection header names its Content-Length</li>
 *   <li>{@code /healthz}: 200, or 503 after {@link #setHealthy}(i, false)</li>
 *   <li>{@code /switch}: a {@code 101 Switching Protocols} whatever the request asked for</li>
 *   <li>a WebSocket on {@code /ws-refused}: refused with 403</li>
 *   <li>a WebSocket on any other path: says {@code hello from NODE}, then echoes every message; the text
 *       {@code close-me} makes it close with status 4000; the close statuses it saw are in
 *       {@link #webSocketCloses}</li>
 * </ul>
 */
public final class TestNodes implements AutoCloseable {
  private final Vertx vertx;
  private final List<String> addresses;
  private final int port;
  private final HttpServer[] servers;
  private final boolean[] unhealthy;
  private final AtomicInteger[] requests;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger ambiguous = new AtomicInteger();
  private final java.util.concurrent.Semaphore requestsReceived = new java.util.concurrent.Semaphore(0);
  private final java.util.concurrent.BlockingQueue<Short> webSocketCloses =
      new java.util.concurrent.LinkedBlockingQueue<>();

  private TestNodes(Vertx vertx, List<String> addresses, int port) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.port = port;
    this.servers = new HttpServer[addresses.size()];
    this.unhealthy = new boolean[addresses.size()];
    this.requests = new AtomicInteger[addresses.size()];
    java.util.Arrays.setAll(requests, i -> new AtomicInteger());
  }

  /** Nodes 127.0.0.2 … 127.0.0.(count+1) on one port that is free on all of them. */
  public static TestNodes start(Vertx vertx, int count) throws Exception {
    return onOnePort(count, (addresses, port) -> {
      TestNodes nodes = new TestNodes(vertx, addresses, port);
      try {
        for (int i = 0; i < count; i++) {
          nodes.start(i);
        }
        return nodes;
      } catch (Exception e) {
        nodes.close();
        throw e;
      }
    });
  }

  /** Binds servers on every address it is given, at one port; closes what it bound if one fails. */
  @FunctionalInterface
  public interface Binder<T> {
    T bind(List<String> addresses, int port) throws Exception;
  }

  /**
   * Servers on 127.0.0.2 … 127.0.0.(count+1) sharing one port (a nodePort): a port free on the first address is
   * tried, and another when it is taken on one of the others.
   */
  public static <T> T onOnePort(int count, Binder<T> binder) throws Exception {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      addresses.add("127.0.0." + (i + 2));
    }
    for (int tries = 0; tries < 20; tries++) {
      try {
        return binder.bind(List.copyOf(addresses), freePort(addresses.get(0)));
      } catch (Exception e) {
        // the port was taken on another address: pick another
      }
    }
    throw new IllegalStateException("no port free on all of " + addresses);
  }

  static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
      return s.getLocalPort();
    }
  }

  /** The largest WebSocket message the nodes take. */
  public static final int MAX_MESSAGE = 2 << 20;

  /** Close statuses of the nodes' WebSockets as they closed (-1: closed without a status). */
  public java.util.concurrent.BlockingQueue<Short> webSocketCloses() {
    return webSocketCloses;
  }

  public int port() {
    return port;
  }

  public List<String> addresses() {
    return addresses;
  }

  /** Waits (bounded) until a node has received a request not yet waited for; true when one came. */
  public boolean awaitRequest(long seconds) throws InterruptedException {
    return requestsReceived.tryAcquire(seconds, TimeUnit.SECONDS);
  }

  /** HTTP requests node {@code index} has received so far, health checks and WebSocket handshakes aside. */
  public int requests(int index) {
    return requests[index].get();
  }

  /** TCP connections the nodes have accepted so far (shows upstream keep-alive). */
  public int connectionsAccepted() {
    return connections.get();
  }

  /** Makes a node's {@code /healthz} answer 503 (false) or 200 (true) while it keeps serving. */
  public synchronized void setHealthy(int index, boolean healthy) {
    unhealthy[index] = !healthy;
  }

  private synchronized boolean isHealthy(int index) {
    return !unhealthy[index];
  }

  public void start(int index) throws Exception {
    String node = addresses.get(index);
    servers[index] = vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketMessageSize(MAX_MESSAGE)
        .setMaxInitialLineLength(16 * 1024))
        .webSocketHandshakeHandler(handshake -> {
          if (handshake.path().equals("/ws-refused")) {
            handshake.reject(403);
          } else {
            handshake.accept();
          }
        })
        .webSocketHandler(ws -> {
          ws.writeTextMessage("hello from " + node);
          ws.textMessageHandler(text -> {
            if (text.equals("close-me")) {
              ws.close((short) 4000, "node says bye");
            } else {
              ws.writeTextMessage(text);
            }
          });
          ws.binaryMessageHandler(ws::writeBinaryMessage);
          ws.closeHandler(v -> webSocketCloses.add(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
        })
        .requestHandler(req -> {
      if (req.path().equals("/healthz")) {
        req.response().setStatusCode(isHealthy(index) ? 200 : 503).end();
      } else {
        requests[index].incrementAndGet();
        handle(node, req);
      }
    })
        .connectionHandler(c -> connections.incrementAndGet())
        .listen(port, node).await(10, TimeUnit.SECONDS);
  }

  public void stop(int index) throws Exception {
    if (servers[index] != null) {
      servers[index].close().await(10, TimeUnit.SECONDS);
      servers[index] = null;
    }
  }

  /** Requests that reached a node in a shape no proxy should pass on (see {@link #unambiguous}). */
  public int ambiguousReceived() {
    return ambiguous.get();
  }

  /** One Host, one framing (chunked, or a Content-Length), no control characters in a header. */
  static boolean unambiguous(HttpServerRequest req) {
    io.vertx.core.MultiMap h = req.headers();
    if (h.getAll("host").size() != 1 || h.contains("content-length") && h.contains("transfer-encoding")
        || h.contains("transfer-encoding") && !h.get("transfer-encoding").equalsIgnoreCase("chunked")
        || h.getAll("content-length").size() > 1 || h.getAll("transfer-encoding").size() > 1) {
      return false;
    }
    for (Map.Entry<String, String> e : h) {
      for (char c : (e.getKey() + e.getValue()).toCharArray()) {
        if (c < 0x20 && c != '\t' || c == 0x7F) {
          return false;
        }
      }
    }
    return true;
  }

  private void handle(String node, HttpServerRequest req) {
    requestsReceived.release();
    if (!unambiguous(req)) {
      ambiguous.incrementAndGet();
    }
    HttpServerResponse res = req.response().putHeader("x-node", node);
    switch (req.path()) {
      case "/download" -> download(req, res, Long.parseLong(req.getParam("bytes")));
      case "/slow" -> {
        req.pause(); // keep the body (and its end) until the answer starts
        vertx.setTimer(Long.parseLong(req.getParam("ms")), t -> echo(node, req, res));
      }
      case "/switch" -> res.setStatusCode(101).end();
      case "/hop" -> res.putHeader("connection", "x-secret-hop")
          .putHeader("x-secret-hop", "must not pass")
          .putHeader("keep-alive", "timeout=5")
          .putHeader("proxy-connection", "keep-alive")
          .putHeader("upgrade", "h2c")
          .putHeader("trailer", "x-checksum")
          .putHeader("x-end-to-end", "kept")
          .end("hop");
      case "/named-length" -> res.putHeader("connection", "content-length").end("framed");
      case "/status" -> {
        if (node.equals(req.getParam("on"))) {
          res.setStatusCode(Integer.parseInt(req.getParam("code"))).end();
        } else {
          answer(node, req, res);
        }
      }
      default -> answer(node, req, res);
    }
  }

  /** Every node answers only after this long (a slow service), from now on. */
  public void delayAll(long millis) {
    delayMillis = millis;
  }

  private volatile long delayMillis;
  private volatile JsonObject lastEcho;

  /** What the nodes echoed last (the request a node saw last), or null before any. */
  public JsonObject lastEcho() {
    return lastEcho;
  }

  private void answer(String node, HttpServerRequest req, HttpServerResponse res) {
    long delay = delayMillis;
    if (delay > 0 && req.method() != HttpMethod.HEAD) {
      req.pause();
      vertx.setTimer(delay, t -> echo(node, req, res));
      return;
    }
    if (req.method() == HttpMethod.HEAD) {
      res.putHeader("content-length", "1234").end(); // the length a GET would have
    } else {
      echo(node, req, res);
    }
  }

  private void echo(String node, HttpServerRequest req, HttpServerResponse res) {
    MessageDigest sha = RawHttp.sha256();
    long[] bytes = {0};
    req.handler(buf -> {
      bytes[0] += buf.length();
      sha.update(buf.getBytes());
    });
    req.endHandler(v -> {
      JsonArray headers = new JsonArray();
      for (Map.Entry<String, String> h : req.headers()) {
        headers.add(new JsonArray().add(h.getKey().toLowerCase()).add(h.getValue()));
      }
      JsonObject body = new JsonObject().put("node", node).put("port", req.localAddress().port())
          .put("method", req.method().name()).put("version", req.version().name())
          .put("uri", req.uri()).put("headers", headers).put("bodyBytes", bytes[0])
          .put("bodySha256", RawHttp.hex(sha.digest()));
      lastEcho = body;
      res.putHeader("content-type", "application/json").end(body.encode());
    });
    req.resume();
  }

  /** Streams N bytes with back-pressure: writes while the socket takes them, then waits for drain. */
  private static void download(HttpServerRequest req, HttpServerResponse res, long total) {
    res.setChunked(true);
    long[] sent = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      if (res.ended()) {
        return; // a late drain event
      }
      while (sent[0] < total && !res.writeQueueFull()) {
        int n = (int) Math.min(64 * 1024, total - sent[0]);
        res.write(Buffer.buffer(pattern(sent[0], n)));
        sent[0] += n;
      }
      if (sent[0] >= total) {
        res.end();
      } else {
        res.drainHandler(v -> pump[0].run());
      }
    };
    pump[0].run();
  }

  /** The download's bytes: a pattern of the offset, so a lost, repeated or reordered chunk shows. */
  public static byte[] pattern(long offset, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      long p = offset + i;
      out[i] = (byte) (p * 31 + (p >>> 11));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    List<Future<Void>> closing = new ArrayList<>();
    for (HttpServer s : servers) {
      if (s != null) {
        closing.add(s.close());
      }
    }
    Future.all(closing).await(10, TimeUnit.SECONDS);
  }
}
