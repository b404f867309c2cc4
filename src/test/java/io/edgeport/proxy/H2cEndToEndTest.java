package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cleartext HTTP/2 both ways, as gRPC uses it: a client with prior knowledge on the plain listener
 * ({@code listen.h2c}), a backend with {@code protocol: h2c}, and response trailers passed through.
 */
class H2cEndToEndTest extends LiveNodesTest {

  /** A gRPC-like node on 127.0.0.5: answers HTTP/2 only, echoes the body, ends with grpc-status trailers. */
  private HttpServer grpcNode(int port) throws Exception {
    return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
        .requestHandler(req -> {
          if (req.version() != HttpVersion.HTTP_2) {
            req.response().setStatusCode(505).end("HTTP/2 only");
            return;
          }
          req.body().onSuccess(body -> req.response().putHeader("content-type", "application/grpc")
              .putHeader("x-authority", String.valueOf(req.authority()))
              .putHeader("x-te", String.valueOf(req.getHeader("te")))
              .write(body).compose(v -> {
                req.response().trailers().set("grpc-status", "0").set("grpc-message", "ok");
                return req.response().end();
              }));
        })
        .listen(port, "127.0.0.5").await(10, TimeUnit.SECONDS);
  }

  private String config(int port, int nodePort, boolean h2cListener) {
    return """
        listen:
          http: "127.0.0.1:%d"
          h2c: %s
        nodes: [127.0.0.5]
        domains:
          - host: grpc.example.com
            nodePort: %d
            protocol: h2c
        """.formatted(port, h2cListener, nodePort);
  }

  private static HttpClient priorKnowledge(io.vertx.core.Vertx vertx) {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @Test
  void aGrpcStyleCallGetsItsTrailersThroughTheGateway() throws Exception {
    int nodePort = Configs.freePort();
    grpcNode(nodePort);
    int port = Configs.freePort();
    startGateway(config(port, nodePort, true), 1);
    HttpClientResponse[] response = new HttpClientResponse[1];
    // the name goes in :authority (an HTTP/2 Host header that differs from it is a malformed request)
    Buffer body = priorKnowledge(vertx).request(new RequestOptions().setMethod(HttpMethod.POST)
            .setHost("grpc.example.com").setPort(port).setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
            .setURI("/helloworld.Greeter/SayHello").putHeader("content-type", "application/grpc")
            .putHeader("te", "trailers"))
        .compose(r -> r.send(Buffer.buffer(new byte[] {0, 0, 0, 0, 3, 'a', 'b', 'c'})))
        .compose(r -> {
          response[0] = r;
          return r.body();
        }).await(20, TimeUnit.SECONDS);
    HttpClientResponse r = response[0];
    assertEquals(200, r.statusCode());
    assertEquals(HttpVersion.HTTP_2, r.version(), "the client spoke HTTP/2 to the gateway");
    assertEquals(8, body.length());
    assertEquals("0", r.trailers().get("grpc-status"), "trailers " + r.trailers());
    assertEquals("ok", r.trailers().get("grpc-message"));
    assertEquals("trailers", r.getHeader("x-te"), "TE: trailers reaches the node");
    assertTrue(r.getHeader("x-authority").startsWith("grpc.example.com"), r.getHeader("x-authority"));
  }

  @Test
  void anHttp11ClientGetsTheTrailersOfAnH2cBackendInItsChunkedResponse() throws Exception {
    int nodePort = Configs.freePort();
    grpcNode(nodePort);
    int port = Configs.freePort();
    startGateway(config(port, nodePort, false), 1);
    HttpClientResponse[] response = new HttpClientResponse[1];
    vertx.createHttpClient().request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(port).setURI("/x").putHeader("host", "grpc.example.com"))
        .compose(req -> req.send("hi")).compose(res -> {
          response[0] = res;
          return res.body();
        }).await(20, TimeUnit.SECONDS);
    assertEquals(HttpVersion.HTTP_1_1, response[0].version());
    assertEquals("0", response[0].trailers().get("grpc-status"));
    assertEquals("null", response[0].getHeader("x-te"), "an HTTP/1.1 client sent no TE, so none is invented");
  }

  @Test
  void thePlainListenerRefusesPriorKnowledgeHttp2UnlessH2cIsOn() throws Exception {
    int nodePort = Configs.freePort();
    grpcNode(nodePort);
    int port = Configs.freePort();
    startGateway(config(port, nodePort, false), 1);
    assertThrows(Exception.class, () -> priorKnowledge(vertx).request(new RequestOptions()
            .setHost("grpc.example.com").setPort(port).setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
            .setURI("/"))
        .compose(req -> req.send()).await(10, TimeUnit.SECONDS));
  }

  @Test
  void anHttp2BodyWithoutALengthArrivesWholeAndABodilessRequestStaysBodiless() throws Exception {
    int port = Configs.freePort();
    startGateway(Configs.apiOn(port, nodes).replace("listen:\n", "listen:\n  h2c: true\n"), 1);
    HttpClient client = priorKnowledge(vertx);
    RequestOptions options = new RequestOptions().setHost("api.example.com").setPort(port)
        .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1")).setURI("/upload");
    byte[] part = new byte[100_000];
    new java.util.Random(3).nextBytes(part);
    java.security.MessageDigest sha = io.edgeport.support.RawHttp.sha256();
    io.vertx.core.json.JsonObject upload = client.request(options.setMethod(HttpMethod.POST)).compose(req -> {
      req.setChunked(true); // HTTP/2: DATA frames and no Content-Length
      req.write(Buffer.buffer(part));
      req.write(Buffer.buffer(part));
      return req.end().compose(v -> req.response()).compose(r -> r.body());
    }).await(20, TimeUnit.SECONDS).toJsonObject();
    sha.update(part);
    sha.update(part);
    assertEquals(200_000L, upload.getLong("bodyBytes"), upload.encode());
    assertEquals(io.edgeport.support.RawHttp.hex(sha.digest()), upload.getString("bodySha256"));

    io.vertx.core.json.JsonObject get = client.request(options.setMethod(HttpMethod.GET).setURI("/get"))
        .compose(req -> req.send()).compose(r -> r.body()).await(20, TimeUnit.SECONDS).toJsonObject();
    assertEquals(0L, get.getLong("bodyBytes"));
    assertTrue(!get.getJsonArray("headers").encode().contains("transfer-encoding")
        && !get.getJsonArray("headers").encode().contains("content-length"), get.encode());
  }
}
