package io.edgeport.support;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real gRPC servers (grpc-java, its shaded Netty, plaintext HTTP/2) standing in for cluster nodes: 127.0.0.2,
 * 127.0.0.3, … all on one free "nodePort", serving {@code grpc.testing.SimpleService} from grpc-testing-proto.
 * Every answer names its node: a response message is {@code NODE: TEXT}.
 *
 * <ul>
 *   <li>UnaryRpc {@code TEXT}: {@code NODE: TEXT}</li>
 *   <li>UnaryRpc {@code status:CODE} or {@code status:CODE:MESSAGE}: fails with that status</li>
 *   <li>UnaryRpc {@link #HOLD}: never answers; the call is put in {@link #held()} with the deadline it carried,
 *       and ends there when it is cancelled</li>
 *   <li>ServerStreamingRpc {@code N}: N messages {@code NODE: 0} … {@code NODE: N-1}, then OK</li>
 *   <li>ClientStreamingRpc: one {@code NODE: A,B,C} of the texts received, after the client's end</li>
 *   <li>BidiStreamingRpc: {@code NODE: TEXT} for each message as it comes, OK after the client's end</li>
 * </ul>
 */
public final class GrpcNodes implements AutoCloseable {
  /** The UnaryRpc text that makes a node hold the call until it is cancelled. */
  public static final String HOLD = "hold";

  /** Who ended a held call: the peer (a RST_STREAM, here from the gateway), or the node's own deadline timer. */
  public enum Cancelled { BY_PEER, BY_OWN_DEADLINE }

  /**
   * A held call.
   *
   * @param deadlineMillis the deadline the call carried (its {@code grpc-timeout}), as milliseconds left when it
   *                       arrived; null when it had none
   */
  public record Held(String node, Long deadlineMillis, CompletableFuture<Cancelled> cancelled) {}

  private final List<String> addresses;
  private final int port;
  private final Server[] servers;
  private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

  private GrpcNodes(List<String> addresses, int port) {
    this.addresses = addresses;
    this.port = port;
    this.servers = new Server[addresses.size()];
  }

  /** Nodes on 127.0.0.2 … 127.0.0.(count+1), on one port that is free on all of them. */
  public static GrpcNodes start(int count) throws Exception {
    return TestNodes.onOnePort(count, (addresses, port) -> {
      GrpcNodes nodes = new GrpcNodes(addresses, port);
      try {
        for (int i = 0; i < count; i++) {
          nodes.serve(i);
        }
        return nodes;
      } catch (IOException e) {
        nodes.close();
        throw e;
      }
    });
  }

  private void serve(int index) throws IOException {
    String node = addresses.get(index);
    servers[index] = NettyServerBuilder.forAddress(new InetSocketAddress(node, port), InsecureServerCredentials.create())
        .addService(new Service(node, held, calls))
        .build()
        .start();
  }

  public int port() {
    return port;
  }

  public List<String> addresses() {
    return addresses;
  }

  /** UnaryRpc calls the nodes have received so far, all together. */
  public int calls() {
    return calls.get();
  }

  /** Held calls in the order they arrived, over all nodes. */
  public BlockingQueue<Held> held() {
    return held;
  }

  /** The node of an answer ({@code NODE: TEXT}). */
  public static String node(SimpleResponse response) {
    String m = response.getResponseMessage();
    return m.substring(0, m.indexOf(": "));
  }

  /** The text of an answer ({@code NODE: TEXT}). */
  public static String text(SimpleResponse response) {
    String m = response.getResponseMessage();
    return m.substring(m.indexOf(": ") + 2);
  }

  /** Stops node {@code index}: no new calls, the running ones cancelled; bounded. */
  public void stop(int index) throws InterruptedException {
    Server s = servers[index];
    if (s == null) {
      return;
    }
    servers[index] = null;
    s.shutdownNow();
    if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gRPC node " + addresses.get(index) + " still running after 10 s");
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Server s : servers) {
      if (s != null) {
        s.shutdownNow(); // all at once, then each waited for
      }
    }
    for (int i = 0; i < servers.length; i++) {
      stop(i);
    }
  }

  private static final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
    private final String node;
    private final BlockingQueue<Held> held;
    private final java.util.concurrent.atomic.AtomicInteger calls;

    Service(String node, BlockingQueue<Held> held, java.util.concurrent.atomic.AtomicInteger calls) {
      this.node = node;
      this.held = held;
      this.calls = calls;
    }

    private SimpleResponse answer(String text) {
      return SimpleResponse.newBuilder().setResponseMessage(node + ": " + text).build();
    }

    @Override
    public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> out) {
      calls.incrementAndGet();
      String text = request.getRequestMessage();
      if (text.equals(HOLD)) {
        hold((ServerCallStreamObserver<SimpleResponse>) out);
      } else if (text.startsWith("status:")) {
        String[] parts = text.split(":", 3);
        Status status = Status.fromCode(Status.Code.valueOf(parts[1]));
        out.onError((parts.length > 2 ? status.withDescription(parts[2]) : status).asRuntimeException());
      } else {
        out.onNext(answer(text));
        out.onCompleted();
      }
    }

    private void hold(ServerCallStreamObserver<SimpleResponse> out) {
      Context context = Context.current();
      Deadline deadline = context.getDeadline();
      CompletableFuture<Cancelled> cancelled = new CompletableFuture<>();
      out.setOnCancelHandler(() -> cancelled.complete(context.cancellationCause() instanceof TimeoutException
          ? Cancelled.BY_OWN_DEADLINE : Cancelled.BY_PEER));
      held.add(new Held(node, deadline == null ? null : deadline.timeRemaining(TimeUnit.MILLISECONDS), cancelled));
    }

    @Override
    public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> out) {
      int count = Integer.parseInt(request.getRequestMessage());
      for (int i = 0; i < count; i++) {
        out.onNext(answer(String.valueOf(i)));
      }
      out.onCompleted();
    }

    @Override
    public StreamObserver<SimpleRequest> clientStreamingRpc(StreamObserver<SimpleResponse> out) {
      List<String> texts = new ArrayList<>();
      return new Inbound() {
        @Override
        public void onNext(SimpleRequest request) {
          texts.add(request.getRequestMessage());
        }

        @Override
        public void onCompleted() {
          out.onNext(answer(String.join(",", texts)));
          out.onCompleted();
        }
      };
    }

    @Override
    public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> out) {
      return new Inbound() {
        @Override
        public void onNext(SimpleRequest request) {
          out.onNext(answer(request.getRequestMessage()));
        }

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }

  /** A client stream's observer: a client's error is its cancel, which has already ended the call. */
  private abstract static class Inbound implements StreamObserver<SimpleRequest> {
    @Override
    public void onError(Throwable t) {}
  }
}
