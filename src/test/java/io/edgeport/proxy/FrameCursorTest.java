package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Following WebSocket frames byte-exactly, whichever way the stream is cut into buffers. */
class FrameCursorTest {

  /** A frame: FIN + binary, the length in its shortest form, masked or not. */
  static Buffer frame(int payload, boolean masked) {
    Buffer b = Buffer.buffer().appendByte((byte) 0x82);
    int maskBit = masked ? 0x80 : 0;
    if (payload < 126) {
      b.appendByte((byte) (maskBit | payload));
    } else if (payload <= 0xFFFF) {
      b.appendByte((byte) (maskBit | 126)).appendShort((short) payload);
    } else {
      b.appendByte((byte) (maskBit | 127)).appendLong(payload);
    }
    if (masked) {
      b.appendInt(0x01020304);
    }
    return b.appendBytes(new byte[payload]);
  }

  @Test
  void findsTheEndOfTheFrameUnderWayInEveryLengthForm() {
    for (int size : new int[] {0, 5, 125, 126, 300, 65535, 65536, 200_000}) {
      for (boolean masked : new boolean[] {false, true}) {
        Buffer one = frame(size, masked);
        Buffer two = one.copy().appendBuffer(frame(3, masked));
        FrameCursor c = new FrameCursor();
        assertEquals(0, c.skipToBoundary(two), "at a boundary already");
        c.skip(two.slice(0, 1), 0); // one header byte in: inside a frame now
        assertFalse(c.atBoundary());
        assertEquals(one.length() - 1, c.skipToBoundary(two.slice(1, two.length())), "size " + size);
        assertTrue(c.atBoundary());
      }
    }
  }

  @Test
  void followsAStreamCutAnywhere() {
    Buffer stream = Buffer.buffer();
    int[] sizes = {3, 70_000, 0, 126, 1000};
    for (int s : sizes) {
      stream.appendBuffer(frame(s, true));
    }
    for (int cut = 1; cut < 40; cut += 3) {
      FrameCursor c = new FrameCursor();
      for (int i = 0; i < stream.length(); i += cut) {
        c.skip(stream.slice(i, Math.min(stream.length(), i + cut)), 0);
      }
      assertTrue(c.atBoundary(), "cut every " + cut + " bytes");
    }
    FrameCursor c = new FrameCursor();
    Buffer partial = stream.slice(0, frame(3, true).length() + 10); // the first frame and part of the second
    c.skip(partial, 0);
    assertFalse(c.atBoundary());
    assertEquals(-1, c.skipToBoundary(Buffer.buffer(new byte[100])), "70,000 bytes of payload are not over yet");
  }
}
