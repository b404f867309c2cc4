package io.edgeport.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks over the network, on the event loop (no thread per check): a TCP connect, or an HTTP GET
 * whose 2xx/3xx means healthy. Every check opens a fresh connection, as HAProxy does, so a node that
 * stopped accepting connections is seen even while old ones still work.
 */
public final class NetworkProbe implements Probe {
  private final NetClient tcp;
  private final HttpClient http;

  public NetworkProbe(Vertx vertx) {
    this.tcp = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setName("edgeport-health"),
        new PoolOptions().setHttp1MaxSize(64));
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
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(key.node()).setPort(key.port())
        .setURI(key.check().path()).setConnectTimeout(timeout).setIdleTimeout(timeout)
        .putHeader("host", hostHeader).putHeader("user-agent", "edgeport-health-check");
    return http.request(options)
        .compose(req -> req.send())
        .compose(res -> res.end().map(done -> res.statusCode() >= 200 && res.statusCode() < 400
            ? Result.OK : Result.failed("HTTP " + res.statusCode()))); // the body is read and dropped
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
    return Future.all(tcp.close(), http.close()).mapEmpty();
  }
}
