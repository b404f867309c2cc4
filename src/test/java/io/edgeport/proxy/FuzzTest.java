package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * About 20,000 mutated requests (bounded to about a minute) at the listener: afterwards it still
 * serves, and no node ever received an ambiguous request.
 */
class FuzzTest extends LiveNodesTest {
  private static final int REQUESTS = 20_000;
  private static final long MAX_MILLIS = 60_000;
  private static final int THREADS = 8;
  private static final String H = "Host: api.example.com\r\n";
  private static final List<String> SEEDS = List.of(
      "GET /a?b=c HTTP/1.1\r\n" + H + "Accept: */*\r\n\r\n",
      "POST /p HTTP/1.1\r\n" + H + "Content-Length: 5\r\n\r\nhello",
      "POST /c HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n",
      "GET / HTTP/1.0\r\n\r\n",
      "GET /ws HTTP/1.1\r\n" + H + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
      "PUT /x HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc");
  /** Bytes and fragments that make or break framing. */
  private static final List<String> SPICE = List.of("\r", "\n", " ", "\t", ":", "\u0000", "\u007f", "\u0080", ",",
      ";", "0", "chunked", "Content-Length: 7\r\n", "Transfer-Encoding: chunked\r\n", "Host: evil.example.com\r\n",
      "\r\n ", "HTTP/1.1", "GET / HTTP/1.1\r\n" + H + "\r\n", "ffffffffffffffff\r\n", "Transfer-Encoding: identity\r\n");

  static byte[] mutate(Random random) {
    StringBuilder s = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      int at = random.nextInt(s.length() + 1);
      switch (random.nextInt(4)) {
        case 0 -> s.insert(at, SPICE.get(random.nextInt(SPICE.size())));
        case 1 -> {
          if (at < s.length()) {
            s.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (at < s.length()) {
            s.setCharAt(at, (char) random.nextInt(256));
          }
        }
        default -> { // duplicate a line
          int start = s.lastIndexOf("\r\n", Math.max(0, at - 1));
          int end = s.indexOf("\r\n", at);
          if (start >= 0 && end > start) {
            s.insert(end, s.substring(start, end));
          }
        }
      }
    }
    return s.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void mutatedRequestsLeaveTheGatewayServingAndTheNodesSeeNothingAmbiguous() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes) + """
        limits:
          headerTimeout: 1s
          bodyTimeout: 1s
        """, 2);
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> workers = new java.util.ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = 1000 + t;
        workers.add(pool.submit(() -> {
          Random random = new Random(seed);
          byte[] buffer = new byte[16384];
          while (sent.incrementAndGet() <= REQUESTS && System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
              socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
              socket.setSoTimeout(300);
              socket.getOutputStream().write(mutate(random));
              InputStream in = socket.getInputStream();
              if (in.read(buffer) > 0) {
                answered.incrementAndGet();
              }
            } catch (java.io.IOException e) {
              // a reset or a read timeout (an incomplete request that waits): both fine for a fuzzer
            }
          }
          return null;
        }));
      }
      for (Future<?> w : workers) {
        w.get(MAX_MILLIS + 30_000, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(answered.get() > 1000, answered.get() + " of " + Math.min(sent.get(), REQUESTS) + " got an answer");
    assertEquals(0, nodes.ambiguousReceived(), "ambiguous requests that reached a node");
    assertEquals(200, RawHttp.get(port, "api.example.com", "/after").status(), "still serving");
    System.out.println("fuzz: " + Math.min(sent.get(), REQUESTS) + " sent, " + answered.get() + " answered, refused "
        + gateway.traffic().totals().refused());
  }
}
