package io.edgeport.support;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC client (grpc-java) of the gateway on 127.0.0.1, for {@code grpc.testing.SimpleService} (see
 * {@link GrpcNodes}); and {@link #raw}, a look at the HTTP/2 response of a call as it is on the wire.
 */
public final class GrpcClient implements AutoCloseable {
  private final ManagedChannel channel;

  private GrpcClient(ManagedChannel channel) {
    this.channel = channel;
  }

  /** Cleartext HTTP/2 with prior knowledge (the gateway's {@code listen.h2c}), {@code authority} as :authority. */
  public static GrpcClient plaintext(int port, String authority) {
    return new GrpcClient(channel(port, authority, InsecureChannelCredentials.create()));
  }

  /** TLS with ALPN h2, {@code authority} as SNI and :authority, trusting only {@code caCert}. */
  public static GrpcClient tls(int port, String authority, Path caCert) throws IOException {
    return new GrpcClient(channel(port, authority,
        TlsChannelCredentials.newBuilder().trustManager(caCert.toFile()).build()));
  }

  private static ManagedChannel channel(int port, String authority, ChannelCredentials credentials) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).overrideAuthority(authority)
        .directExecutor().build();
  }

  public SimpleServiceGrpc.SimpleServiceBlockingStub blocking() {
    return SimpleServiceGrpc.newBlockingStub(channel);
  }

  public SimpleServiceGrpc.SimpleServiceStub async() {
    return SimpleServiceGrpc.newStub(channel);
  }

  /** Ends the channel and its calls; bounded. */
  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    if (!channel.awaitTermination(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gRPC channel still open after 10 s: " + channel);
    }
  }

  /** A response as it came: HTTP status, headers, trailers (none for a trailers-only response), body. */
  public record Raw(int status, MultiMap headers, MultiMap trailers, Buffer body) {
    /** {@code grpc-status}: in the trailers, or in the headers of a trailers-only response. */
    public String grpcStatus() {
      return field("grpc-status");
    }

    public String grpcMessage() {
      return field("grpc-message");
    }

    private String field(String name) {
      return trailers.contains(name) ? trailers.get(name) : headers.get(name);
    }
  }

  /**
   * One UnaryRpc of {@code text} over cleartext HTTP/2 (prior knowledge) to 127.0.0.1:{@code port}, by a client that
   * knows nothing of gRPC: it sends the headers given (name, value, …) as they are, {@code grpc-timeout} among
   * them, and enforces none. Bounded at 20 s.
   */
  public static Raw raw(Vertx vertx, int port, String authority, String text, String... headers) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(authority).setPort(port)
          .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
          .setURI("/" + SimpleServiceGrpc.getUnaryRpcMethod().getFullMethodName())
          .putHeader("content-type", "application/grpc").putHeader("te", "trailers");
      for (int i = 0; i + 1 < headers.length; i += 2) {
        options.putHeader(headers[i], headers[i + 1]);
      }
      byte[] message = SimpleRequest.newBuilder().setRequestMessage(text).build().toByteArray();
      Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
      HttpClientResponse[] response = new HttpClientResponse[1];
      Buffer body = client.request(options).compose(r -> r.send(frame)).compose(r -> {
        response[0] = r;
        return r.body();
      }).await(20, TimeUnit.SECONDS);
      return new Raw(response[0].statusCode(), response[0].headers(), response[0].trailers(), body);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }
}
