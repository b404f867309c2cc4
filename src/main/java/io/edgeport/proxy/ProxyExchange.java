package io.edgeport.proxy;

import io.edgeport.balance.Endpoint;
import io.edgeport.balance.EndpointPicker;
import io.edgeport.balance.PickContext;
import io.edgeport.balance.RetryBudget;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.RouteTimeouts;
import io.edgeport.routing.SessionTable;
import io.edgeport.net.Cidr;
import io.edgeport.routing.Backend;
import io.edgeport.routing.Route;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.WriteStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on its way through: pick a node, connect, then stream the request body up and the
 * response down with back-pressure. A try that fails before any byte of the response arrived goes
 * to the next node when that is safe ({@link RetryPolicy}): nothing was sent yet (a failed connect),
 * or the method is idempotent and its body, if any, was small enough to be read whole and kept for
 * a replay. Retries past the first failed connect draw on the backend's {@link RetryBudget}, and the bodies kept
 * for a replay on the loop's share of {@code limits.retryBufferBytes}. All callbacks run on the request's event
 * loop, so the state below needs no locking.
 *
 * <p>Deadlines: an HTTP/2 body still arriving when the gateway starts reading it is held to its
 * {@link BodyDeadline} (HTTP/1's are {@link Http1Guard}'s, at the byte level); a client that takes no byte of its
 * response for {@code limits.sendTimeout} is cut off, which frees the node connection. Both timers are armed only
 * when a body spans reads or a response stalls. The exchange is itself the pipe's node-bound side of a streamed
 * body ({@link WriteStream}), so following a body costs no wrapper.
 */
final class ProxyExchange implements PickContext, WriteStream<Buffer> {
  /** The status logged for a request whose client went away before its answer (nginx's convention). */
  static final int CLIENT_CLOSED = 499;
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.retry");
  private static final Logger LOG_REFUSED = LoggerFactory.getLogger("edgeport.refused");
  private final ProxyContext ctx;
  private final Forwarding forwarding;
  private final ResponseDeadlines deadlines;
  private final Route route;
  private final AccessLog accessLog;
  private final long startNanos;
  private long forwardedNanos;
  private String requestId;
  private boolean generatedRequestId;
  private boolean reported;
  private final HttpServerRequest request;
  private final RequestTarget target;
  /** The rule's filters, or null. */
  private final RouteFilters filters;
  /** What the node is asked for: the client's target and authority, unless the rule rewrites them. */
  private final String upstreamTarget;
  private final String upstreamAuthority;
  private final EndpointPicker balancer;
  private final List<Cidr> allowedSources;
  private final List<Endpoint> endpoints;
  /** Does it carry a body? For HTTP/2 without a Content-Length: maybe, until its first event says. */
  private boolean hasBody;
  /** An HTTP/1.1 {@code Upgrade: websocket}: after the node's 101 the connection becomes a {@link Tunnel}. */
  private final boolean upgrade;
  /** The backend speaks cleartext HTTP/2 (gRPC). */
  private final boolean h2c;
  /** Node connections start with a PROXY header of this version, or 0. */
  private final int proxyProtocol;
  private boolean tunneled;
  private final RetryPolicy retry;
  private final RetryBudget budget;
  /** Tries in all, each on another node: the policy's attempts, at most one per node. */
  private final int maxAttempts;
  /** The request body read whole, so that a retry can send it again; null when it streams. */
  private Buffer replayBody;
  /** Bytes of the loop's retry buffer reserved for it (its Content-Length), until no retry can need it. */
  private long retryHeld;
  /** A streamed body whose length was not declared: the domain's maxBodyBytes (0: none), and what was sent. */
  private long bodyLimit;
  private long bodyWritten;
  /** An HTTP/2 body being waited for, and its timer (-1: none). */
  private BodyDeadline bodyDeadline;
  private long bodyTimer = -1;
  /** The node's response being relayed; since when the client stopped taking it (0: it takes it), and the timer. */
  private HttpClientResponse nodeResponse;
  private long stalledSince;
  private long sendTimer = -1;
  /** The connection's remote address, read once. */
  private final String peer;
  private final boolean peerTrusted;

  private int firstIndex;
  private int attempts;
  /** System.nanoTime() by which some node must have accepted a connection. */
  private long connectDeadline;
  private Endpoint endpoint;
  private boolean holdingEndpoint;
  private HttpClientRequest upstream;
  // links and deadline of ResponseDeadlines' queue, while waiting for response headers
  ProxyExchange waitingOlder;
  ProxyExchange waitingNewer;
  long responseDeadline;
  boolean waiting;
  private boolean responseStarted;
  private boolean retriedStale;
  private boolean finished;
  private String clientAddress;
  /** The backendRef's own header edits in this rule, or null. */
  private final RouteFilters backendFilters;
  /** The session the request came with (its node is tried first), or null. */
  private final SessionTable.Pin pin;
  /** Copies of this request under way to the rule's mirrors (null entries: not mirrored), or null: none. */
  private MirrorCopy[] mirrors;
  /**
   * System.nanoTime() by which the whole exchange must be over (the rule's request timeout, or the gRPC call's
   * grpc-timeout, whichever is sooner), or 0; its timer, and the timers of one try (backendRequest) and of a retry's
   * backoff (-1: none).
   */
  private long deadlineAt;
  private long deadlineTimer = -1;
  private long tryTimer = -1;
  private long retryTimer = -1;
  /** The try's request went to the node whole: from then on a slow answer is the node's. */
  private boolean bodySent;

  ProxyExchange(ProxyContext ctx, AccessLog accessLog, Forwarding forwarding, ResponseDeadlines deadlines,
      HttpServerRequest request, RequestTarget target, Route route, Backend backend, long startNanos,
      SessionTable.Pin pin) {
    this.ctx = ctx;
    this.accessLog = accessLog;
    this.startNanos = startNanos;
    this.forwarding = forwarding;
    this.deadlines = deadlines;
    this.route = route;
    this.request = request;
    this.target = target;
    this.filters = route.filters();
    this.upstreamTarget = filters == null || filters.rewrite() == null || filters.rewrite().path() == null
        ? target.target() : RuleEdits.replaced(filters.rewrite().path(), target, route);
    this.upstreamAuthority = filters == null || filters.rewrite() == null || filters.rewrite().hostname() == null
        ? target.authority() : filters.rewrite().hostname();
    this.balancer = backend.balancer();
    this.allowedSources = backend.allowedSources();
    this.endpoints = balancer.endpoints();
    // HTTP/2 needs no length for a body: without one, whether there is a body shows with the first event
    this.hasBody = request.version() == HttpVersion.HTTP_2 ? !"0".equals(request.headers().get("content-length"))
        : Bodies.declared(request.headers());
    this.h2c = backend.h2c();
    this.proxyProtocol = backend.proxyProtocol();
    this.upgrade = !h2c && Upgrades.isWebSocket(request);
    this.retry = backend.retry();
    this.budget = backend.budget();
    this.maxAttempts = retry.revisit() ? retry.attempts() : Math.min(retry.attempts(), endpoints.size());
    this.backendFilters = backend.filters();
    this.pin = pin;
    this.peer = request.remoteAddress().hostAddress();
    this.peerTrusted = forwarding.forwarded.isTrusted(peer);
  }

  @Override
  public String clientAddress() {
    if (clientAddress == null) {
      clientAddress = forwarding.forwarded.clientAddress(peer, peerTrusted, request.headers());
    }
    return clientAddress;
  }

  void start() {
    if (endpoints.isEmpty()) {
      Reports.local(ctx, accessLog, request, route.domain(), 503, startNanos);
      return;
    }
    if (!allowedSources.isEmpty() && !ForwardedHeaders.isIn(clientAddress(), allowedSources)) {
      Reports.local(ctx, accessLog, request, route.domain(), 403, startNanos);
      return;
    }
    request.pause();
    request.response().closeHandler(v -> clientGone());
    budget.request(startNanos);
    firstIndex = pin != null ? pin.index() : balancer.pick(this);
    armDeadline();
    if (!route.mirrors().isEmpty()) {
      startMirrors();
    }
    long length = hasBody && maxAttempts > 1 && isIdempotent(request.method()) ? replayLength() : -1;
    // small enough to keep, and room in the loop's retry buffer (else it streams, counted, and is not retried)
    if (length > 0 && ctx.traffic().holdForRetry(length, forwarding.limits.retryBufferBytes() / ctx.loops())) {
      retryHeld = length;
      readWhole();
      return;
    }
    startConnecting(startNanos);
  }

  /** A Content-Length within {@code retry.maxBodyBytes}, or -1 (a chunked body of unknown length streams). */
  private long replayLength() {
    long n = Bodies.declaredLength(request.headers());
    return n <= retry.maxBodyBytes() ? n : -1;
  }

  /**
   * Reads the body whole before a node is contacted, so that a node that dies with it can be replaced, into a
   * buffer of its declared length: what the retry buffer reserved for it.
   */
  private void readWhole() {
    if (request.headers().contains("expect")) {
      request.response().writeContinue();
    }
    Buffer body = Buffer.buffer((int) retryHeld);
    request.handler(chunk -> {
      body.appendBuffer(chunk);
      if (mirrors != null) {
        mirrorChunk(chunk);
      }
      if (bodyDeadline != null) {
        bodyDeadline.received(System.nanoTime(), chunk.length());
      }
    });
    request.exceptionHandler(e -> clientGone());
    request.endHandler(v -> {
      stopBodyTimer();
      mirrorBodyEnded();
      replayBody = body;
      startConnecting(System.nanoTime());
    });
    request.resume();
    watchBody();
  }

  /** @param now System.nanoTime(), as the caller already read it */
  private void startConnecting(long now) {
    connectDeadline = now + forwarding.connectTimeoutNanos;
    connect();
  }

  /**
   * May the request go to another node after {@code failure}? Within the attempts, and, unless
   * nothing was sent yet, only when it can be sent again whole and the backend's budget allows.
   */
  private boolean mayRetry(RetryPolicy.On failure) {
    if (finished || attempts >= maxAttempts || failure != RetryPolicy.On.STATUS && !retry.retries(failure)) {
      return false;
    }
    if (failure == RetryPolicy.On.CONNECT_FAILURE && attempts < endpoints.size()) {
      return true; // nothing of it reached a node, and another is untried: no replay, no extra load on the backend
    }
    if (!replayable()) {
      return false;
    }
    if (!budget.tryRetry(System.nanoTime())) {
      ctx.traffic().retryBudgetExhausted();
      return false;
    }
    return true;
  }

  /** Can it be sent again as it was? An idempotent method, and no body or one kept whole. */
  private boolean replayable() {
    return isIdempotent(request.method()) && (!hasBody || replayBody != null);
  }

  /** Leaves the failed node and tries the next one. */
  private void retryElsewhere(RetryPolicy.On failure) {
    ctx.traffic().retried(failure);
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} {}: {} on {}, retrying on another node (try {} of {})", route.domain(), request.method(),
          request.uri(), failure.configName(), endpoint, attempts + 1, maxAttempts);
    }
    releaseEndpoint();
    upstream = null;
    stopTryTimer();
    afterBackoff(() -> startConnecting(System.nanoTime()));
  }

  /** Runs {@code next} after the rule's retry backoff (Gateway API retry.backoff), at once without one. */
  private void afterBackoff(Runnable next) {
    long backoff = retry.backoff() == null ? 0 : retry.backoff().toMillis();
    if (backoff <= 0) {
      next.run();
      return;
    }
    retryTimer = ctx.vertx().setTimer(backoff, id -> {
      retryTimer = -1;
      if (!finished) {
        next.run();
      }
    });
  }

  /**
   * One connection attempt. The connect timeout bounds all attempts together: each gets a share of
   * what is left (at most a third while three or more nodes are untried), so nodes that silently
   * drop connects cannot add one full timeout each, while a refused connect costs next to nothing.
   */
  private void connect() {
    long remaining = connectDeadline - System.nanoTime();
    if (remaining <= 0) {
      fail(502);
      return;
    }
    int untried = endpoints.size() - attempts;
    long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining / Math.min(Math.max(untried, 1), 3)));
    endpoint = endpoints.get((firstIndex + attempts) % endpoints.size());
    attempts++;
    endpoint.requestStarted();
    holdingEndpoint = true;
    RequestOptions options = new RequestOptions()
        .setServer(endpoint.address())
        .setMethod(request.method())
        .setURI(upstreamTarget)
        .setConnectTimeout(timeoutMillis);
    HttpClientAgent client = h2c ? ctx.h2cClient() : ctx.client();
    if (proxyProtocol > 0) {
      ctx.proxyProtocolConnections().connection(client, request.connection(), endpoint.address(), proxyProtocol,
          (int) timeoutMillis).compose(c -> c.request(options)).onComplete(this::onConnected);
    } else {
      client.request(options).onComplete(this::onConnected);
    }
  }

  private void onConnected(AsyncResult<HttpClientRequest> ar) {
    if (finished) {
      if (ar.succeeded()) {
        ar.result().exceptionHandler(e -> { }); // the reset is ours: nothing to log
        ar.result().reset();
      }
      return;
    }
    if (ar.failed()) {
      releaseEndpoint();
      boolean again = mayRetry(RetryPolicy.On.CONNECT_FAILURE);
      ctx.failures().connectFailed(endpoint, ar.cause(), again);
      endpoint.reportFailure("connect failed: " + UpstreamFailures.describe(ar.cause()));
      if (again && attempts <= endpoints.size() - 1) {
        ctx.traffic().retried(RetryPolicy.On.CONNECT_FAILURE);
        connect(); // nothing was sent: another node can take it
      } else if (again) {
        ctx.traffic().retried(RetryPolicy.On.CONNECT_FAILURE);
        afterBackoff(this::connect); // round the nodes again: the rule's backoff first
      } else {
        fail(502);
      }
      return;
    }
    upstream = ar.result();
    forwardRequest();
  }

  /**
   * Sends the request head (and body) to the node. Whatever refuses to be built (a header value a filter set,
   * say) is a 502 for this request, never a request left hanging with its node connection.
   */
  private void forwardRequest() {
    try {
      sendUpstream();
    } catch (RuntimeException e) {
      ctx.failures().requestUnsendable(endpoint, e);
      HttpClientRequest up = upstream;
      fail(502);
      up.reset();
    }
  }

  private void sendUpstream() {
    HttpClientRequest up = upstream;
    MultiMap in = request.headers();
    MultiMap out = up.headers();
    nodeHeaders(out);
    if (backendFilters != null) {
      RuleEdits.apply(backendFilters.requestHeaders(), out);
    }
    if (deadlineAt != 0 && h2c && ErrorReplies.isGrpc(request)) {
      out.set("grpc-timeout", GrpcTimeout.encode(deadlineAt - System.nanoTime())); // what is left, retries included
    }
    if (h2c) {
      up.authority(HostAndPort.parseAuthority(upstreamAuthority, -1)); // HTTP/2's :authority, not a Host header
      if (HopByHop.namedIn(in.getAll("te"), "trailers")) {
        out.set("te", "trailers"); // the one TE value HTTP/2 allows, and gRPC's sign of a client that reads trailers
      }
    } else {
      out.set("host", upstreamAuthority);
    }
    if (upgrade) {
      out.set("connection", "upgrade"); // the hop-by-hop pair, dropped above, set again for this one hop
      out.set("upgrade", in.get("upgrade"));
    }
    forwardedNanos = System.nanoTime();
    long backendNanos = route.timeouts() == null ? 0 : RouteTimeouts.nanos(route.timeouts().backendRequest());
    if (backendNanos > 0) {
      tryTimer = ctx.vertx().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(backendNanos)), id -> tryTimedOut());
    }
    up.exceptionHandler(e -> { }); // failures arrive through the futures below
    up.response().onComplete(ar -> {
      if (up == upstream) {
        onResponse(ar);
      } // else: a try given up (timed out, or its 503 dropped), whose reset ends it here
    });
    if (!hasBody) {
      if (upgrade) {
        up.connect(); // the response future above completes with the 101 (or a plain answer)
      } else {
        up.end();
      }
      startResponseTimer();
      return;
    }
    if (replayBody != null) {
      up.end(replayBody); // with the client's Content-Length, copied above
      startResponseTimer();
      return;
    }
    if (request.version() == HttpVersion.HTTP_2 && !in.contains("content-length")) {
      forwardBodyOfUnknownLength(up);
      return;
    }
    if (in.contains("transfer-encoding")) {
      out.remove("content-length"); // chunked wins over a Content-Length (RFC 9112 §6.3); never send both
      up.setChunked(true);
    }
    if (in.contains("expect")) {
      request.response().writeContinue(); // the node is connected: now the client may send its body
    }
    streamBody(up);
  }

  /**
   * What every node (and mirror) is sent of the client's headers: the end-to-end ones, the forwarding headers, the
   * request id (the same on every try) and the rule's edits.
   */
  private void nodeHeaders(MultiMap out) {
    MultiMap in = request.headers();
    HopByHop.copyEndToEnd(in, out, peerTrusted ? null : forwarding.forwarded.fromUntrusted);
    forwarding.forwarded.apply(in, out, peer, peerTrusted, ctx.scheme(),
        target.authority(), request.localAddress().port());
    if (requestId == null) {
      requestId = in.get("x-request-id");
      if (requestId == null) {
        requestId = RequestIds.next();
        generatedRequestId = true;
      }
    }
    if (generatedRequestId) {
      out.set("x-request-id", requestId);
    }
    if (filters != null) {
      RuleEdits.apply(filters.requestHeaders(), out);
    }
  }

  /** Starts the copies of the rule's mirrors that take this request; a body goes along as it is read. */
  private void startMirrors() {
    MultiMap headers = io.vertx.core.http.HttpHeaders.headers();
    nodeHeaders(headers);
    headers.remove("expect"); // a copy's body is sent as it comes: no interim answer to wait for
    if (HopByHop.namedIn(request.headers().getAll("te"), "trailers")) {
      headers.set("te", "trailers"); // a gRPC client's, for an h2c mirror (MirrorCopy drops it for HTTP/1)
    }
    long declared = !hasBody || request.version() == HttpVersion.HTTP_2 && Http2Guard.clientEnded(request) ? 0
        : Bodies.declaredLength(request.headers());
    mirrors = MirrorCopy.start(ctx, forwarding, route.mirrors(), this, request.method(), upstreamTarget,
        upstreamAuthority, headers, declared);
    if (!hasBody) {
      mirrorBodyEnded();
    }
  }

  private void mirrorChunk(Buffer data) {
    for (MirrorCopy m : mirrors) {
      if (m != null) {
        m.chunk(data);
      }
    }
  }

  private void mirrorBodyEnded() {
    if (mirrors != null) {
      for (MirrorCopy m : mirrors) {
        if (m != null) {
          m.bodyEnded();
        }
      }
    }
  }

  /**
   * An HTTP/2 request without a Content-Length: its stream's end or its first data tells whether it has
   * a body. None: sent as a request without one (and replayable like any other); some: sent chunked.
   */
  private void forwardBodyOfUnknownLength(HttpClientRequest up) {
    request.handler(first -> {
      request.pause();
      request.handler(null);
      request.endHandler(null);
      up.setChunked(true);
      write(first);
      streamBody(up);
    });
    request.endHandler(v -> {
      request.handler(null);
      request.endHandler(null);
      stopBodyTimer();
      hasBody = false;
      mirrorBodyEnded();
      up.end();
      startResponseTimer();
    });
    request.resume();
    watchBody();
  }

  private void streamBody(HttpClientRequest up) {
    long max = route.gate() == null ? 0 : route.gate().maxBodyBytes();
    bodyLimit = max > 0 && !request.headers().contains("content-length") ? max : 0;
    request.pipe().endOnFailure(false).to(this).onComplete(sent -> {
      stopBodyTimer();
      if (sent.succeeded()) {
        startResponseTimer();
      } else if (!finished && !responseStarted && sent.cause() instanceof BodyTooLarge) {
        fail(413); // first, so that the reset below is not taken for the node failing; the reply closes the connection
        up.reset();
      } else if (!finished) {
        // the client's body broke off (or grew too large): the node must not take a truncated body as complete
        up.reset();
        if (!responseStarted) {
          finish();
          if (request.version() == HttpVersion.HTTP_2) {
            request.response().reset(); // the stream, not the connection with the other streams on it
          } else {
            request.connection().close();
          }
          report(CLIENT_CLOSED);
        }
      }
    });
    watchBody();
  }

  /** What fails the write that takes a body of undeclared length past the domain's {@code maxBodyBytes}. */
  static final class BodyTooLarge extends RuntimeException {
    BodyTooLarge() {
      super("request body over maxBodyBytes", null, false, false);
    }
  }

  // The node-bound side of a streamed body: the pipe writes here, and this passes it on to the node.

  @Override
  public Future<Void> write(Buffer data) {
    bodyWritten += data.length();
    if (bodyLimit > 0 && bodyWritten > bodyLimit) {
      return Future.failedFuture(new BodyTooLarge()); // the pipe stops: 413, or cut once answered
    }
    if (bodyDeadline != null) {
      bodyDeadline.received(System.nanoTime(), data.length());
    }
    if (mirrors != null) {
      mirrorChunk(data);
    }
    return upstream.write(data);
  }

  @Override
  public Future<Void> end() {
    mirrorBodyEnded();
    return upstream.end();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    upstream.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    upstream.setWriteQueueMaxSize(maxSize);
    return this;
  }

  /** Asked by the pipe after each write: true makes it stop reading the client, which is then not waited for. */
  @Override
  public boolean writeQueueFull() {
    boolean full = upstream.writeQueueFull();
    if (full && bodyDeadline != null) {
      bodyDeadline.holdBack(System.nanoTime());
    }
    return full;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    upstream.drainHandler(handler == null || bodyDeadline == null ? handler : v -> {
      bodyDeadline.resume(System.nanoTime());
      handler.handle(v);
    });
    return this;
  }

  /**
   * Called where the gateway starts reading a body: an HTTP/2 body not whole by then gets its deadline
   * (HTTP/1 bodies have theirs in {@link Http1Guard}). A body that was whole in the first read costs nothing.
   */
  private void watchBody() {
    if (request.version() != HttpVersion.HTTP_2 || finished || bodyTimer >= 0 || Http2Guard.clientEnded(request)) {
      return;
    }
    long now = System.nanoTime();
    if (bodyDeadline == null) {
      bodyDeadline = new BodyDeadline(forwarding.limits);
      bodyDeadline.start(now, 0);
    }
    armBodyTimer(bodyDeadline.left(now));
  }

  private void armBodyTimer(long nanos) {
    bodyTimer = ctx.vertx().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + 1), id -> checkBody());
  }

  private void checkBody() {
    bodyTimer = -1;
    if (finished || request.isEnded()) {
      return;
    }
    long now = System.nanoTime();
    long left = bodyDeadline.left(now);
    if (left > 0) {
      armBodyTimer(left);
      return;
    }
    // too slow: a 408 if nothing was answered yet, and the stream ends (RST_STREAM NO_ERROR after an answer,
    // RFC 9113 §8.1), as does the node's request, which frees its connection
    ctx.traffic().refused(408);
    if (LOG_REFUSED.isDebugEnabled()) {
      LOG_REFUSED.debug("{}: 408 {} (HTTP/2 stream {})", request.remoteAddress(), bodyDeadline.reason(now),
          request.streamId());
    }
    HttpClientRequest up = upstream;
    if (!responseStarted) {
      fail(408);
    } else {
      finish();
      report(request.response().getStatusCode());
    }
    request.response().reset(0);
    if (up != null) {
      up.reset();
    }
  }

  private void stopBodyTimer() {
    if (bodyTimer >= 0) {
      ctx.vertx().cancelTimer(bodyTimer);
      bodyTimer = -1;
    }
  }

  /**
   * The try's request was sent whole: the response timeout of {@code timeouts.response} starts (a rule with Gateway
   * API timeouts has those instead).
   */
  private void startResponseTimer() {
    bodySent = true;
    if (!responseStarted && !finished && route.timeouts() == null) {
      deadlines.add(this);
    }
  }

  /** Arms the exchange's deadline: the rule's request timeout, or the gRPC call's own when that is sooner. */
  private void armDeadline() {
    long nanos = route.timeouts() == null ? 0 : RouteTimeouts.nanos(route.timeouts().request());
    if (h2c) {
      String grpcTimeout = request.headers().get("grpc-timeout");
      long grpc = grpcTimeout == null ? -1 : GrpcTimeout.nanos(grpcTimeout);
      nanos = grpc >= 0 && (nanos == 0 || grpc < nanos) ? Math.max(1, grpc) : nanos;
    }
    if (nanos > 0) {
      deadlineAt = startNanos + nanos;
      deadlineTimer = ctx.vertx().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)), id -> deadlinePassed());
    }
  }

  /**
   * The exchange's deadline passed: 504 if nothing was answered yet (a gRPC call: DEADLINE_EXCEEDED), else the
   * response is cut off (a gRPC call over HTTP/2 ends with DEADLINE_EXCEEDED in its trailers); the node's request is
   * reset either way, which frees its connection.
   */
  private void deadlinePassed() {
    deadlineTimer = -1;
    if (finished) {
      return;
    }
    HttpClientRequest up = upstream;
    if (!responseStarted) {
      fail(504); // a gRPC call: DEADLINE_EXCEEDED
    } else {
      cutOff(ErrorReplies.isGrpc(request));
    }
    if (up != null) {
      up.reset();
    }
  }

  /**
   * One try took longer than the rule's backendRequest timeout: before the response began, as a response timeout
   * (retried where the rule allows, else 504); after, the response is cut off.
   */
  private void tryTimedOut() {
    tryTimer = -1;
    if (finished) {
      return;
    }
    HttpClientRequest up = upstream;
    if (!responseStarted && bodySent) {
      responseTimedOut("no response within the rule's backendRequest timeout");
      return;
    }
    if (responseStarted) {
      cutOff(false);
    } else {
      fail(504); // still sending the client's body: the client's slowness, never held against the node
    }
    up.reset();
  }

  /**
   * Ends a response under way that must not look complete: its HTTP/2 stream reset (or, for a gRPC call, ended with
   * DEADLINE_EXCEEDED in its trailers), an HTTP/1 connection closed.
   */
  private void cutOff(boolean grpcTrailers) {
    finish();
    HttpServerResponse out = request.response();
    if (request.version() == HttpVersion.HTTP_2 && grpcTrailers && !out.ended()) {
      out.trailers().set("grpc-status", Integer.toString(ErrorReplies.GRPC_DEADLINE_EXCEEDED))
          .set("grpc-message", "deadline exceeded at edgeport");
      out.end();
    } else if (request.version() == HttpVersion.HTTP_2) {
      out.reset(8); // CANCEL
    } else {
      request.connection().close();
    }
    report(out.getStatusCode());
  }

  /** The node did not answer within the response timeout. */
  void responseTimedOut() {
    responseTimedOut("no response within the response timeout");
  }

  /** @param why what the node did not do in time, for passive health */
  private void responseTimedOut(String why) {
    if (!responseStarted && !finished) {
      ctx.failures().responseTimedOut(endpoint);
      endpoint.reportFailure(why);
      HttpClientRequest late = upstream;
      if (mayRetry(RetryPolicy.On.TIMEOUT)) {
        retryElsewhere(RetryPolicy.On.TIMEOUT);
      } else {
        fail(504);
      }
      late.reset();
    }
  }

  private void onResponse(AsyncResult<HttpClientResponse> ar) {
    cancelTimer();
    if (finished || responseStarted) {
      return;
    }
    if (ar.failed()) {
      ctx.failures().requestFailed(endpoint, ar.cause());
      if (isReset(ar.cause())) {
        // The node died with the request, or closed a pooled connection just as it was reused: the two
        // look alike, so a reset is not reported to passive health (a dead node fails its next connect).
        if (mayRetry(RetryPolicy.On.RESET)) {
          retryElsewhere(RetryPolicy.On.RESET);
          return;
        }
        if (maxAttempts == 1 && retry.retries(RetryPolicy.On.RESET) && !retriedStale && replayable()
            && budget.tryRetry(System.nanoTime())) {
          // no other node to go to (a one-node backend): the same node once more, on a fresh connection,
          // which is what a pooled connection the node had just closed needs
          retriedStale = true;
          ctx.traffic().retriedStale();
          attempts--; // the same node again, on a fresh connection
          releaseEndpoint();
          upstream = null;
          stopTryTimer();
          startConnecting(System.nanoTime());
          return;
        }
      }
      fail(502);
      return;
    }
    HttpClientResponse in = ar.result();
    if (in.statusCode() == 101) {
      if (upgrade) {
        startTunnel(in);
      } else {
        // a switch of protocols nobody asked for: the node speaks something else now
        ctx.failures().requestFailed(endpoint, new IllegalStateException("101 Switching Protocols to a request"
            + " that did not ask for an upgrade"));
        in.exceptionHandler(e -> { }); // the reset below is the expected end of it
        upstream.reset();
        fail(502);
      }
      return;
    }
    RetryPolicy.On statusRetry = in.statusCode() == 503 && retry.retries(RetryPolicy.On.STATUS_503)
        ? RetryPolicy.On.STATUS_503 : RetryPolicy.On.STATUS;
    if (retry.retriesStatus(in.statusCode()) && mayRetry(statusRetry)) {
      in.exceptionHandler(e -> { }); // the reset below is ours
      upstream.reset(); // the answer is dropped unread: another node answers instead
      retryElsewhere(statusRetry);
      return;
    }
    HttpServerResponse out = request.response();
    responseStarted = true;
    int status = in.statusCode();
    out.setStatusCode(status);
    String reason = in.statusMessage();
    if (!reason.equals(HttpResponseStatus.valueOf(status).reasonPhrase())) {
      out.setStatusMessage(reason); // a custom reason phrase passes unchanged; the standard one costs nothing
    }
    HopByHop.copyEndToEnd(in.headers(), out.headers(), null);
    if (route.hsts() != null && ctx.tls()) {
      out.headers().set("strict-transport-security", route.hsts());
    }
    if (filters != null) {
      RuleEdits.apply(filters.responseHeaders(), out.headers());
    }
    if (backendFilters != null) {
      RuleEdits.apply(backendFilters.responseHeaders(), out.headers());
    }
    if (route.cors() != null) {
      CorsAnswers.decorate(request.headers().get("origin"), route.cors(), out.headers());
    }
    if (route.sessions() != null) {
      giveSession(out.headers());
    }
    if (request.version() == HttpVersion.HTTP_1_1) {
      // the gateway is stopping: the client should not send more here; or an upgrade the node refused: what
      // the client sends next may be meant for the other protocol (frames sent ahead of the answer), not HTTP
      if (ctx.generations().get().draining() || upgrade) {
        out.putHeader("connection", "close");
      }
      if (!out.headers().contains("content-length") && mayHaveBody(status)) {
        out.setChunked(true);
      }
    } else if (request.version() == HttpVersion.HTTP_1_0 && ctx.generations().get().draining()) {
      out.putHeader("connection", "close");
    }
    dropReplay(); // the response has begun: nothing can be retried any more
    nodeResponse = in;
    in.handler(this::relay);
    in.endHandler(this::relayEnded);
    in.exceptionHandler(this::relayFailed);
    in.resume();
  }

  /** Hands out a session token when the client has none for the node that answered, or its one is getting old. */
  private void giveSession(MultiMap out) {
    SessionTable sessions = route.sessions();
    long now = System.currentTimeMillis() / 1000;
    SessionTable.Renewal renewal = sessions.renewal(endpoint, pin, now);
    if (renewal != null) {
      SessionTokens.write(out, sessions, renewal.token(), ctx.tls(), renewal.issuedSeconds(), now);
    }
  }

  /** A piece of the node's response to the client, with back-pressure: a client that does not read stops the node. */
  private void relay(Buffer data) {
    if (finished) {
      return; // cut off, or the client went away: what the node still sends is dropped
    }
    HttpServerResponse out = request.response();
    out.write(data);
    if (out.writeQueueFull()) {
      nodeResponse.pause();
      stalledSince = System.nanoTime();
      if (sendTimer < 0) {
        armSendTimer(forwarding.limits.sendTimeout().toNanos());
      }
      out.drainHandler(v -> {
        stalledSince = 0;
        if (!finished) {
          nodeResponse.resume();
        }
      });
    }
  }

  private void relayEnded(Void v) {
    detachRelay();
    stopTryTimer();
    if (finished) {
      return;
    }
    HttpServerResponse out = request.response();
    MultiMap trailers = nodeResponse.trailers(); // gRPC's status comes in them
    if (!trailers.isEmpty()) {
      out.trailers().addAll(trailers);
    }
    out.end().onComplete(this::onResponseSent);
  }

  private void relayFailed(Throwable cause) {
    detachRelay();
    onResponseSent(Future.failedFuture(cause));
  }

  /**
   * The node's response is over: its handlers let go of this exchange, as a pipe's do. The node connection's stream
   * outlives the exchange (in tasks the event loop has queued for it, hundreds under load), and through these
   * handlers it would keep the whole exchange, its requests and headers, alive past young collections.
   */
  private void detachRelay() {
    nodeResponse.handler(null);
    nodeResponse.endHandler(null);
    nodeResponse.exceptionHandler(null);
  }

  private void armSendTimer(long nanos) {
    sendTimer = ctx.vertx().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos) + 1), id -> checkSend());
  }

  /** The client took nothing of its response for {@code limits.sendTimeout} (nginx's send_timeout): cut it off. */
  private void checkSend() {
    sendTimer = -1;
    if (finished || stalledSince == 0) {
      return; // it read again meanwhile: the next stall arms the timer again
    }
    long left = stalledSince + forwarding.limits.sendTimeout().toNanos() - System.nanoTime();
    if (left > 0) {
      armSendTimer(left);
      return;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      request.response().reset(8); // CANCEL: this stream, not the connection's others
    } else {
      request.connection().close();
    }
    clientGone(); // resets the node's request: its connection is freed
  }

  /** The node switched protocols: answer the client with its 101 and join the two sockets. */
  private void startTunnel(HttpClientResponse in) {
    responseStarted = true;
    tunneled = true;
    stopTryTimer(); // a WebSocket lives past its request's timeouts
    cancelDeadline();
    dropReplay(); // as for any response: a tunnel may live for hours
    NetSocket node = in.netSocket();
    node.pause(); // until the client side is joined
    HttpServerResponse out = request.response();
    HopByHop.copyEndToEnd(in.headers(), out.headers(), null);
    out.headers().set("upgrade", in.headers().get("upgrade")).set("connection", "upgrade");
    request.toNetSocket().onComplete(ar -> {
      if (ar.failed()) {
        node.close();
        finish();
        report(CLIENT_CLOSED);
        return;
      }
      ctx.traffic().websocketOpened();
      Tunnel.join(ar.result(), request.connection(), node, in.request().connection(),
          forwarding.websocketIdle, ctx.tunnels()).onComplete(closed -> {
        ctx.traffic().websocketClosed();
        finish();
        report(101);
      });
    });
  }

  private boolean mayHaveBody(int status) {
    return request.method() != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
  }

  /** The node closed or reset the connection (it died, or dropped the request) before answering. */
  private static boolean isReset(Throwable cause) {
    return cause instanceof HttpClosedException
        || cause instanceof java.io.IOException && !(cause instanceof java.net.SocketTimeoutException);
  }

  private static boolean isIdempotent(HttpMethod m) {
    return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.PUT
        || m == HttpMethod.DELETE || m == HttpMethod.TRACE;
  }

  private void onResponseSent(AsyncResult<Void> ar) {
    if (ar.failed() && !finished) {
      // one side broke off mid-body; a truncated response must look truncated to the client
      ctx.failures().requestFailed(endpoint, ar.cause());
      upstream.reset();
      request.response().reset();
    }
    finish();
    report(request.response().getStatusCode());
    if (upgrade) {
      request.connection().close(); // see onResponse: a refused upgrade ends the connection
    }
  }

  private void fail(int status) {
    finish();
    if (status >= 502 && deadlineAt != 0 && System.nanoTime() - deadlineAt >= 0 && ErrorReplies.isGrpc(request)) {
      // past the call's deadline a node ends it itself (gRPC servers enforce grpc-timeout): that is the deadline
      ErrorReplies.sendGrpc(request, ErrorReplies.GRPC_DEADLINE_EXCEEDED, "deadline exceeded at edgeport");
    } else {
      ErrorReplies.send(request, status);
    }
    report(status);
  }

  private void clientGone() {
    if (!finished && !tunneled) { // a tunnel ends by its sockets
      finish();
      if (upstream != null) {
        upstream.reset();
      }
      report(responseStarted ? request.response().getStatusCode() : CLIENT_CLOSED);
    }
  }

  /** Counts the request (and logs it when the access log is on), once, whichever way it ended. */
  private void report(int status) {
    if (!reported) {
      reported = true;
      Reports.report(ctx, accessLog, request, route.domain(), endpoint == null ? "" : endpoint.toString(), status,
          startNanos, forwardedNanos, requestId);
    }
  }

  private void finish() {
    finished = true;
    cancelTimer();
    stopTryTimer();
    cancelDeadline();
    if (retryTimer >= 0) {
      ctx.vertx().cancelTimer(retryTimer);
      retryTimer = -1;
    }
    if (mirrors != null) {
      for (MirrorCopy m : mirrors) {
        if (m != null) {
          m.abort(); // a body that did not arrive whole must not reach a mirror as if it had
        }
      }
    }
    releaseEndpoint();
    dropReplay();
    stopBodyTimer();
    if (sendTimer >= 0) {
      ctx.vertx().cancelTimer(sendTimer);
      sendTimer = -1;
    }
  }

  /** The replay copy is not needed any more: its share of the retry buffer goes back. */
  private void dropReplay() {
    if (retryHeld > 0) {
      ctx.traffic().releaseForRetry(retryHeld);
      retryHeld = 0;
    }
    replayBody = null;
  }

  private void releaseEndpoint() {
    if (holdingEndpoint) {
      holdingEndpoint = false;
      endpoint.requestEnded();
    }
  }

  private void cancelTimer() {
    deadlines.remove(this);
  }

  private void stopTryTimer() {
    if (tryTimer >= 0) {
      ctx.vertx().cancelTimer(tryTimer);
      tryTimer = -1;
    }
  }

  private void cancelDeadline() {
    if (deadlineTimer >= 0) {
      ctx.vertx().cancelTimer(deadlineTimer);
      deadlineTimer = -1;
    }
  }
}
