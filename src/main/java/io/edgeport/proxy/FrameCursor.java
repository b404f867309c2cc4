package io.edgeport.proxy;

import io.vertx.core.buffer.Buffer;

/**
 * Where one direction of a WebSocket stands in its framing (RFC 6455 §5.2): inside a frame's header,
 * inside its payload, or between frames. It reads the header bytes only; a payload is skipped by
 * counting, so following a stream costs a few operations per frame, not per byte.
 */
final class FrameCursor {
  private final byte[] header = new byte[14];
  private int headerHave;
  private long payloadLeft;

  boolean atBoundary() {
    return headerHave == 0 && payloadLeft == 0;
  }

  /** Follows all of {@code data} from {@code offset}. */
  void skip(Buffer data, int offset) {
    int i = offset;
    int n = data.length();
    while (i < n) {
      i = step(data, i, n);
    }
  }

  /**
   * Follows {@code data} up to the first frame boundary.
   *
   * @return how many bytes of it belong to the frame under way (0 when it starts on a boundary), or -1
   *     when that frame goes on past {@code data}
   */
  int skipToBoundary(Buffer data) {
    int n = data.length();
    int i = 0;
    while (!atBoundary()) {
      if (i >= n) {
        return -1;
      }
      i = step(data, i, n);
    }
    return i;
  }

  /** One step from {@code i}: the rest of a payload, or one header byte. */
  private int step(Buffer data, int i, int n) {
    if (payloadLeft > 0) {
      long skip = Math.min(payloadLeft, n - i);
      payloadLeft -= skip;
      return i + (int) skip;
    }
    header[headerHave++] = data.getByte(i);
    if (headerHave >= 2 && headerHave == headerLength()) {
      payloadLeft = payloadLength();
      headerHave = 0;
    }
    return i + 1;
  }

  private int headerLength() {
    int len7 = header[1] & 0x7F;
    int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    boolean masked = (header[1] & 0x80) != 0;
    return 2 + extended + (masked ? 4 : 0);
  }

  private long payloadLength() {
    int len7 = header[1] & 0x7F;
    if (len7 < 126) {
      return len7;
    }
    long length = 0;
    int bytes = len7 == 126 ? 2 : 8;
    for (int k = 0; k < bytes; k++) {
      length = (length << 8) | (header[2 + k] & 0xFF);
    }
    return length;
  }
}
