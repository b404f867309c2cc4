package io.edgeport.balance;

/** Allocation-free 64-bit hashing for consistent client placement. */
final class Hashing {
  private Hashing() {}

  /** FNV-1a over the chars, then a strong finalizer so nearby inputs spread. */
  static long hash64(CharSequence s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** SplitMix64's finalizer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
