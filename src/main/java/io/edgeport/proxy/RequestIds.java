package io.edgeport.proxy;

import java.util.concurrent.ThreadLocalRandom;

/** X-Request-Id values: 128 random bits as 32 hex digits, without a SecureRandom on the hot path. */
final class RequestIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    fill(out, 0, r.nextLong());
    fill(out, 16, r.nextLong());
    return new String(out);
  }

  private static void fill(char[] out, int at, long v) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
