package io.edgeport.proxy;

import io.edgeport.config.LimitsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;

/**
 * What has arrived of a request head whose end has not, held for {@link Http1Guard} instead of the codec until the
 * head is whole. The codec would keep the whole read buffer the bytes came in (a 20-byte head pinned 28 KB of direct
 * memory) and turn complete lines into heap objects of twice their size, and all connections together could fill the
 * direct memory. Here the bytes are copied into a buffer of their size (doubling as more arrive, never above the head
 * limit), and its capacity is charged to the event loop's share of {@code limits.headBufferBytes}: a read that would
 * take the loop's unfinished heads beyond it is refused. Heads that arrive whole in one read never come here.
 */
final class HeadBuffer {
  /** Of the direct memory, the part unfinished heads may hold by default: the rest is for reads, bodies and TLS. */
  private static final int DEFAULT_DIRECT_MEMORY_SHARE = 8;

  private final Traffic.Loop loop;
  private final long budget;
  private final int maxBytes;
  private ByteBuf bytes;

  /**
   * @param budget   what the loop's unfinished heads may hold in all ({@link #budget})
   * @param maxBytes the head limit: the most a head can need
   */
  HeadBuffer(Traffic.Loop loop, long budget, int maxBytes) {
    this.loop = loop;
    this.budget = budget;
    this.maxBytes = maxBytes;
  }

  /** One event loop's share of {@code limits.headBufferBytes} (by default an eighth of the direct memory). */
  static long budget(LimitsConfig limits, int loops) {
    long all = limits.headBufferBytes() > 0 ? limits.headBufferBytes()
        : PlatformDependent.maxDirectMemory() / DEFAULT_DIRECT_MEMORY_SHARE;
    return all / Math.max(1, loops);
  }

  long budget() {
    return budget;
  }

  boolean isEmpty() {
    return bytes == null;
  }

  /**
   * Copies {@code length} bytes of {@code buf} from {@code index} after those held.
   *
   * @return false when the loop's unfinished heads would then hold more than the budget: nothing is held any more
   */
  boolean add(ByteBuf buf, int index, int length) {
    int size = bytes == null ? 0 : bytes.readableBytes();
    int capacity = bytes == null ? 0 : bytes.capacity();
    if (size + length > capacity) {
      int grown = Math.max(size + length, Math.min(2 * capacity, maxBytes));
      if (!loop.holdHead(grown - capacity, budget)) {
        release();
        return false;
      }
      ByteBuf larger = Unpooled.directBuffer(grown);
      if (bytes != null) {
        larger.writeBytes(bytes);
        bytes.release();
      }
      bytes = larger;
    }
    bytes.writeBytes(buf, index, length);
    return true;
  }

  /** Hands over what is held (the head is whole now): the caller passes it on; null when nothing is. */
  ByteBuf take() {
    ByteBuf held = bytes;
    if (held != null) {
      loop.releaseHead(held.capacity());
      bytes = null;
    }
    return held;
  }

  /** Drops what is held (the connection closed, or the head was refused). */
  void release() {
    ByteBuf held = take();
    if (held != null) {
      held.release();
    }
  }
}
