package io.edgeport.proxy;

import io.edgeport.balance.Endpoint;
import io.edgeport.balance.PickContext;
import io.edgeport.routing.Backend;
import io.edgeport.routing.MirrorTarget;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import java.util.List;

/**
 * One copy of a request to a RequestMirror's backend, fire and forget: it never slows or fails the request it copies.
 * The copy's body goes along only while the mirror keeps up: a full write queue, or a body past
 * {@code limits.mirrorBodyBytes}, ends the copy (its stream reset), never the original's flow. Its answer is read and
 * dropped. Each copy is bounded in time (the response timeout, start to end) and their number per event loop
 * ({@link #MAX_PER_LOOP}); a copy beyond it is skipped. On the request's event loop, like its exchange.
 */
final class MirrorCopy {
  /** Copies under way per event loop at most: with the body limit, what mirrors may hold of memory. */
  static final int MAX_PER_LOOP = 256;
  /**
   * Body bytes a copy holds while its connection is not up yet; once it is, bytes go to the socket (a full write queue
   * drops the copy). With {@link #MAX_PER_LOOP}, a loop's mirrors hold at most 16 MiB whatever limits.mirrorBodyBytes.
   */
  private static final int MAX_PENDING = 64 * 1024;

  private final ProxyContext ctx;
  private final MirrorTarget target;
  private final long maxBody;
  private final Endpoint endpoint;
  /** The copy's connection once it is up; until then its body waits in {@code pending}. */
  private HttpClientRequest up;
  private Buffer pending;
  private long bodyBytes;
  private boolean bodyEnded;
  private boolean done;
  private final long timer;

  private MirrorCopy(ProxyContext ctx, MirrorTarget target, long maxBody, Endpoint endpoint, long timeoutMillis) {
    this.ctx = ctx;
    this.target = target;
    this.maxBody = maxBody;
    this.endpoint = endpoint;
    this.timer = ctx.vertx().setTimer(Math.max(1, timeoutMillis), id -> fail());
  }

  /**
   * Starts copies of a request for the rule's mirrors that take it, or returns null when none does.
   *
   * @param headers   what the node is sent (end-to-end headers, forwarding headers, the rule's edits): each copy sends
   *                  the same
   * @param declared  the body's Content-Length, -1 when not declared, 0 for none
   */
  static MirrorCopy[] start(ProxyContext ctx, Forwarding forwarding, List<MirrorTarget> mirrors, PickContext pick,
      HttpMethod method, String uri, String authority, MultiMap headers, long declared) {
    MirrorCopy[] out = null;
    long maxBody = forwarding.limits.mirrorBodyBytes();
    for (int i = 0; i < mirrors.size(); i++) {
      MirrorTarget m = mirrors.get(i);
      if (!m.takesNext(System.nanoTime())) {
        continue;
      }
      Backend backend = m.backend();
      List<Endpoint> endpoints = backend.balancer().endpoints();
      if (endpoints.isEmpty() || backend.unavailableReason() != null || declared > maxBody) {
        ctx.traffic().mirrorEnded(Traffic.MIRROR_SKIPPED, false);
        continue;
      }
      if (!ctx.traffic().startMirror(MAX_PER_LOOP)) {
        continue;
      }
      Endpoint endpoint = endpoints.get(backend.balancer().pick(pick));
      MirrorCopy copy = new MirrorCopy(ctx, m, maxBody, endpoint, forwarding.responseTimeoutMillis);
      copy.connect(backend.h2c() ? ctx.h2cClient() : ctx.client(), method, uri, authority, headers, backend.h2c(),
          declared < 0, forwarding.connectTimeoutNanos / 1_000_000);
      if (out == null) {
        out = new MirrorCopy[mirrors.size()];
      }
      out[i] = copy;
    }
    return out;
  }

  private void connect(HttpClientAgent client, HttpMethod method, String uri, String authority, MultiMap headers,
      boolean h2c, boolean chunked, long connectMillis) {
    endpoint.requestStarted();
    RequestOptions options = new RequestOptions().setServer(endpoint.address()).setMethod(method).setURI(uri)
        .setConnectTimeout(Math.max(1, connectMillis));
    client.request(options).onComplete(ar -> connected(ar, authority, headers, h2c, chunked));
  }

  private void connected(AsyncResult<HttpClientRequest> ar, String authority, MultiMap headers, boolean h2c,
      boolean chunked) {
    if (ar.failed()) {
      // as for any node: passive health takes a mirror node that refuses connections out; and the mirror pauses, as
      // its next copies would each pay for a failed connect too
      endpoint.reportFailure("mirror copy: connect failed: " + UpstreamFailures.describe(ar.cause()));
      target.connectFailed(System.nanoTime());
      fail();
      return;
    }
    target.connected();
    HttpClientRequest request = ar.result();
    if (done) {
      request.exceptionHandler(e -> { });
      request.reset();
      return;
    }
    up = request;
    request.headers().addAll(headers);
    if (h2c) {
      request.headers().remove("host");
      request.authority(HostAndPort.parseAuthority(authority, -1));
    } else {
      request.headers().set("host", authority).remove("te");
      if (chunked) {
        request.headers().remove("content-length");
        request.setChunked(true);
      }
    }
    request.exceptionHandler(e -> fail());
    request.response().onComplete(response -> {
      if (response.failed()) {
        fail();
        return;
      }
      response.result().handler(b -> { }); // read and dropped: a mirror's answer goes nowhere
      response.result().exceptionHandler(e -> fail());
      response.result().endHandler(v -> {
        if (bodyEnded) {
          end(Traffic.MIRROR_ANSWERED);
        } else {
          fail(); // answered before its body was sent: the rest is not wanted, and the stream must not hang
        }
      });
    });
    if (pending != null) {
      Buffer held = pending;
      pending = null;
      send(held);
    }
    if (bodyEnded && !done) {
      request.end();
    }
  }

  /** A piece of the original's body. */
  void chunk(Buffer data) {
    if (done) {
      return;
    }
    bodyBytes += data.length();
    if (bodyBytes > maxBody || up == null && bodyBytes > MAX_PENDING) {
      fail(); // too long, or the mirror is slow to accept while the body arrives: what it would hold is bounded
    } else if (up == null) {
      if (pending == null) {
        pending = Buffer.buffer((int) Math.min(bodyBytes, MAX_PENDING));
      }
      pending.appendBuffer(data);
    } else {
      send(data);
    }
  }

  private void send(Buffer data) {
    up.write(data);
    if (up.writeQueueFull()) {
      fail(); // the mirror does not keep up: it is dropped, the original never waits for it
    }
  }

  /** The original's body is whole (or it has none). */
  void bodyEnded() {
    if (done || bodyEnded) {
      return;
    }
    bodyEnded = true;
    if (up != null) {
      up.end();
    }
  }

  /** The original broke off before its body was whole: the copy must not look complete. */
  void abort() {
    if (!bodyEnded) {
      fail();
    }
  }

  private void fail() {
    if (!done && up != null) {
      up.reset();
    }
    end(Traffic.MIRROR_FAILED);
  }

  private void end(int result) {
    if (done) {
      return;
    }
    done = true;
    pending = null;
    ctx.vertx().cancelTimer(timer);
    endpoint.requestEnded();
    ctx.traffic().mirrorEnded(result, true);
  }
}
