package io.edgeport.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * The node-bound side of a body whose length was not declared (chunked, or HTTP/2 without one): it
 * passes the bytes on and fails the write that takes the body past the domain's {@code maxBodyBytes},
 * so the pipe stops there and the request is answered 413 (or cut, once a response has started).
 */
final class BodyLimit implements WriteStream<Buffer> {
  static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("request body over maxBodyBytes", null, false, false);
    }
  }

  private final WriteStream<Buffer> to;
  private final long max;
  private long written;

  BodyLimit(WriteStream<Buffer> to, long max) {
    this.to = to;
    this.max = max;
  }

  @Override
  public Future<Void> write(Buffer data) {
    written += data.length();
    return written > max ? Future.failedFuture(new TooLarge()) : to.write(data);
  }

  @Override
  public Future<Void> end() {
    return to.end();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    to.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    to.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return to.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    to.drainHandler(handler);
    return this;
  }
}
