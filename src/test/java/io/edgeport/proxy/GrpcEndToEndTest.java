package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.GrpcClient;
import io.edgeport.support.GrpcNodes;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.TestCertificates;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC through the gateway with a real client and real servers (grpc-java): two nodes on 127.0.0.2 and 127.0.0.3
 * behind a domain with {@code protocol: h2c}, clients over the plain listener with {@code listen.h2c} (prior
 * knowledge) and over HTTPS (ALPN h2). Unary and streaming calls, statuses in trailers, deadlines and cancels.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcEndToEndTest extends LiveNodesTest {
  private static final String HOST = "grpc.example.com";

  private GrpcNodes grpc;
  private int port;

  @BeforeEach
  void startGrpcNodes() throws Exception {
    grpc = GrpcNodes.start(2);
    port = Configs.freePort();
  }

  @AfterEach
  void stopGrpcNodes() throws Exception {
    grpc.close();
  }

  /** The gateway with a plain h2c listener, and an HTTPS one when {@code tls} names its port and certificate. */
  private void startGateway(String httpsListen, String tls) throws Exception {
    startGateway("""
        listen:
          http: "127.0.0.1:%d"
          h2c: true
        %s
        %s
        %s
        domains:
          - host: %s
            nodePort: %d
            protocol: h2c
        """.formatted(port, httpsListen, tls, Configs.nodes(grpc.addresses()), HOST, grpc.port()), 1);
  }

  private GrpcClient plaintext() throws Exception {
    startGateway("", "");
    return GrpcClient.plaintext(port, HOST);
  }

  private static SimpleRequest request(String text) {
    return SimpleRequest.newBuilder().setRequestMessage(text).build();
  }

  /**
   * Ten unary calls: each gets its own echo, and both nodes answer some. After them the gateway has its
   * connections to both nodes and every side its classes loaded, so a short deadline goes to the call alone.
   */
  private static void unaryCallsSpreadOverBothNodes(GrpcClient client) {
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      SimpleResponse r = client.blocking().withDeadlineAfter(10, TimeUnit.SECONDS).unaryRpc(request("hello " + i));
      assertEquals("hello " + i, GrpcNodes.text(r));
      answeredBy.add(GrpcNodes.node(r));
    }
    assertEquals(Set.of("127.0.0.2", "127.0.0.3"), answeredBy);
  }

  @Test
  void unaryCallsOverH2cGetTheirEchoFromBothNodes() throws Exception {
    try (GrpcClient client = plaintext()) {
      unaryCallsSpreadOverBothNodes(client);
    }
  }

  @Test
  void unaryCallsOverHttpsWithAlpnH2GetTheirEchoFromBothNodes() throws Exception {
    TestCertificates ca = TestCertificates.create(dir);
    TestCertificates.Leaf leaf = ca.issue(TestCertificates.KeyFormat.PKCS8_EC, HOST);
    int httpsPort = Configs.freePort();
    startGateway("  https: \"127.0.0.1:%d\"".formatted(httpsPort), """
        tls:
          - hosts: ["%s"]
            cert: %s
            key: %s
        """.formatted(HOST, leaf.cert(), leaf.key()));
    try (GrpcClient client = GrpcClient.tls(httpsPort, HOST, ca.caCert())) {
      unaryCallsSpreadOverBothNodes(client);
    }
  }

  @Test
  void aServerStreamArrivesWholeAndInOrderAndEndsOk() throws Exception {
    try (GrpcClient client = plaintext()) {
      List<String> texts = new ArrayList<>();
      Set<String> nodes = new HashSet<>();
      // the iterator ends without an exception only on grpc-status 0 in the trailers
      client.blocking().withDeadlineAfter(20, TimeUnit.SECONDS).serverStreamingRpc(request("100"))
          .forEachRemaining(r -> {
            texts.add(GrpcNodes.text(r));
            nodes.add(GrpcNodes.node(r));
          });
      assertEquals(IntStream.range(0, 100).mapToObj(String::valueOf).toList(), texts);
      assertEquals(1, nodes.size(), "one call, one node: " + nodes);
    }
  }

  /** Collects an async call's messages and its end. */
  private static final class Received implements StreamObserver<SimpleResponse> {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();

    @Override
    public void onNext(SimpleResponse r) {
      texts.add(GrpcNodes.text(r));
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }
  }

  @Test
  void aClientStreamArrivesWholeBeforeItsAnswer() throws Exception {
    try (GrpcClient client = plaintext()) {
      Received received = new Received();
      StreamObserver<SimpleRequest> out =
          client.async().withDeadlineAfter(20, TimeUnit.SECONDS).clientStreamingRpc(received);
      for (String s : List.of("a", "b", "c", "d", "e")) {
        out.onNext(request(s));
      }
      out.onCompleted();
      assertEquals(Status.Code.OK, received.end.get(20, TimeUnit.SECONDS).getCode());
      assertEquals("a,b,c,d,e", received.texts.poll());
    }
  }

  @Test
  void aBidiStreamGoesBothWaysAtOnce() throws Exception {
    try (GrpcClient client = plaintext()) {
      Received received = new Received();
      StreamObserver<SimpleRequest> out =
          client.async().withDeadlineAfter(20, TimeUnit.SECONDS).bidiStreamingRpc(received);
      // ping-pong: each message waits for the answer to the one before, so neither side's stream is buffered whole
      for (int i = 0; i < 5; i++) {
        out.onNext(request("ping " + i));
        assertEquals("ping " + i, received.texts.poll(10, TimeUnit.SECONDS), "answer " + i + ", end " + received.end);
      }
      out.onCompleted();
      assertEquals(Status.Code.OK, received.end.get(20, TimeUnit.SECONDS).getCode());
    }
  }

  @Test
  void aNodesErrorStatusAndMessageReachTheClient() throws Exception {
    try (GrpcClient client = plaintext()) {
      String message = "no such thing: 50% off, über";
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.blocking()
          .withDeadlineAfter(10, TimeUnit.SECONDS).unaryRpc(request("status:NOT_FOUND:" + message)));
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
      assertEquals(message, e.getStatus().getDescription());
    }
  }

  @Test
  void aDeadlineReachesTheNodeAndItsExpiryCancelsTheNodesCall() throws Exception {
    try (GrpcClient client = plaintext()) {
      unaryCallsSpreadOverBothNodes(client);
      long started = System.nanoTime();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.blocking()
          .withDeadlineAfter(300, TimeUnit.MILLISECONDS).unaryRpc(request(GrpcNodes.HOLD)));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
      assertTrue(tookMillis < 10_000, "a 300 ms deadline took " + tookMillis + " ms");
      GrpcNodes.Held held = grpc.held().poll(10, TimeUnit.SECONDS);
      assertNotNull(held, "the call reached no node");
      assertNotNull(held.deadlineMillis(), "the node saw no deadline: grpc-timeout did not reach it");
      assertTrue(held.deadlineMillis() <= 300, "the node's deadline " + held.deadlineMillis() + " ms");
      // the client's reset (through the gateway) and the node's own timer race here; see the next test for the reset
      assertNotNull(held.cancelled().get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aClientsCancelResetsTheNodesCall() throws Exception {
    try (GrpcClient client = plaintext()) {
      Received received = new Received();
      Context.CancellableContext call = Context.current().withCancellation();
      call.run(() -> client.async().unaryRpc(request(GrpcNodes.HOLD), received));
      GrpcNodes.Held held = grpc.held().poll(10, TimeUnit.SECONDS);
      assertNotNull(held, "the call reached no node");
      assertNull(held.deadlineMillis(), "no deadline was set");
      call.cancel(null);
      assertEquals(GrpcNodes.Cancelled.BY_PEER, held.cancelled().get(10, TimeUnit.SECONDS));
      assertEquals(Status.Code.CANCELLED, received.end.get(10, TimeUnit.SECONDS).getCode());
    }
  }

  @Test
  void aLongDeadlineIsPassedOnInAFormTheNodeReads() throws Exception {
    try (GrpcClient client = plaintext()) {
      SimpleResponse r = client.blocking().withDeadlineAfter(2, TimeUnit.DAYS).unaryRpc(request("later"));
      assertEquals("later", GrpcNodes.text(r), "two days left: said in seconds, within the header's 8 digits");
    }
  }

  @Test
  void onlyAnHttp2PostIsAnsweredAsAGrpcCall() throws Exception {
    startGateway("", "");
    try (io.edgeport.support.RawHttp c = new io.edgeport.support.RawHttp(port)) {
      io.edgeport.support.RawHttp.Response r = c.send("GET /app.js HTTP/1.1\r\nHost: unknown.example.com\r\n"
          + "Content-Type: application/grpc", null).read(false);
      assertEquals(404, r.status(), "an HTTP/1.1 GET with gRPC's type is no gRPC call: a cache would keep a 200");
      assertEquals("no-store", r.header("cache-control"));
    }
  }

  @Test
  void withAllNodesDownTheClientGetsUnavailableInATrailersOnlyGrpcResponse() throws Exception {
    try (GrpcClient client = plaintext()) {
      grpc.close();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.blocking()
          .withDeadlineAfter(10, TimeUnit.SECONDS).unaryRpc(request("hello")));
      GrpcClient.Raw raw = GrpcClient.raw(vertx, port, HOST, "hello");
      String seen = "gRPC client: " + e.getStatus() + "; on the wire: HTTP " + raw.status() + " " + raw.headers()
          + " trailers " + raw.trailers() + " body '" + raw.body() + "'";
      assertAll(seen,
          () -> assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode()),
          () -> assertEquals(200, raw.status()),
          () -> assertEquals("application/grpc", raw.headers().get("content-type")),
          () -> assertEquals("14", raw.grpcStatus()));
    }
  }

  /**
   * A client that sends {@code grpc-timeout} and enforces nothing: the gateway ends the call itself with
   * DEADLINE_EXCEEDED and cancels the node's. The node (grpc-java) has its own timer on the same deadline and resets
   * its stream when it fires, but it started that timer after the gateway got the request: when its reset comes
   * first, the deadline has passed by the gateway's clock too, so the answer is DEADLINE_EXCEEDED either way.
   */
  @Test
  void theGatewayEndsACallAtItsGrpcTimeoutAndCancelsTheNodesCall() throws Exception {
    try (GrpcClient client = plaintext()) {
      unaryCallsSpreadOverBothNodes(client);
    }
    long started = System.nanoTime();
    GrpcClient.Raw raw = GrpcClient.raw(vertx, port, HOST, GrpcNodes.HOLD, "grpc-timeout", "200m");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    GrpcNodes.Held held = grpc.held().poll(10, TimeUnit.SECONDS);
    assertNotNull(held, "the call reached no node");
    GrpcNodes.Cancelled cancelled = held.cancelled().get(10, TimeUnit.SECONDS);
    String seen = "HTTP " + raw.status() + " " + raw.headers() + " trailers " + raw.trailers() + " after "
        + tookMillis + " ms; the node's call ended " + cancelled;
    assertAll(seen,
        () -> assertEquals(200, raw.status()),
        () -> assertEquals("application/grpc", raw.headers().get("content-type")),
        () -> assertEquals("4", raw.grpcStatus(), "DEADLINE_EXCEEDED"),
        () -> assertTrue(tookMillis < 10_000));
  }
}
