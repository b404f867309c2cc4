package io.edgeport.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.http.HttpResponseHead;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks over the network, on the event loop (no thread per check): a TCP connect, or an HTTP GET
 * (vertx-web-client, with its timeouts and a response expectation) whose 2xx/3xx means healthy. Every check opens a fresh connection, as HAProxy does, so a node that
 * stopped accepting connections is seen even while old ones still work.
 */
public final class NetworkProbe implements Probe {
  /** 2xx and 3xx are healthy; anything else is reported as its status ("HTTP 503"). */
  static final HttpResponseExpectation HEALTHY = new HttpResponseExpectation() {
    @Override
    public boolean test(HttpResponseHead response) {
      return response.statusCode() >= 200 && response.statusCode() < 400;
    }

    @Override
    public Exception describe(HttpResponseHead response) {
      return new VertxException("HTTP " + response.statusCode(), true);
    }
  };

  private final NetClient tcp;
  private final WebClient http;

  public NetworkProbe(Vertx vertx) {
    this.tcp = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    this.http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(false).setName("edgeport-health")
        .setUserAgent("edgeport-health-check").setFollowRedirects(false));
  }

  @Override
  public Future<Result> check(CheckKey key, String hostHeader) {
    long timeout = key.check().timeout().toMillis();
    Future<Result> attempt = key.check().isHttp() ? httpCheck(key, hostHeader, timeout) : tcpCheck(key, timeout);
    return attempt.timeout(timeout, TimeUnit.MILLISECONDS).recover(e -> Future.succeededFuture(Result.failed(describe(e))));
  }

  private Future<Result> tcpCheck(CheckKey key, long timeout) {
    return tcp.connect(new ConnectOptions().setHost(key.node()).setPort(key.port()).setTimeout((int) timeout))
        .compose(socket -> socket.close().map(Result.OK));
  }

  private Future<Result> httpCheck(CheckKey key, String hostHeader, long timeout) {
    return http.get(key.port(), key.node(), key.check().path())
        .putHeader("host", hostHeader)
        .connectTimeout(timeout)
        .timeout(timeout)
        .as(BodyCodec.none()) // the body is read and dropped, never held
        .send()
        .expecting(HEALTHY)
        .map(Result.OK);
  }

  static String describe(Throwable e) {
    if (e instanceof ConnectException || String.valueOf(e.getMessage()).contains("Connection refused")) {
      return "connect refused";
    }
    if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
      return "timeout";
    }
    String msg = e.getMessage();
    return msg == null ? e.getClass().getSimpleName() : msg;
  }

  public Future<Void> close() {
    http.close();
    return tcp.close();
  }
}
