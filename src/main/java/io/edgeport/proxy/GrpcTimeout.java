package io.edgeport.proxy;

/** gRPC's {@code grpc-timeout} header (the gRPC over HTTP/2 spec): 1 to 8 digits and a unit, H M S m u n. */
final class GrpcTimeout {
  private GrpcTimeout() {}

  /**
   * The timeout in nanoseconds (0: already past), or -1 for a value that is not one, or too long to be (then the call
   * has none).
   */
  static long nanos(String value) {
    int n = value.length() - 1;
    if (n < 1 || n > 8) {
      return -1;
    }
    long amount = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      amount = amount * 10 + (c - '0');
    }
    long unit = switch (value.charAt(n)) {
      case 'H' -> 3_600_000_000_000L;
      case 'M' -> 60_000_000_000L;
      case 'S' -> 1_000_000_000L;
      case 'm' -> 1_000_000L;
      case 'u' -> 1_000L;
      case 'n' -> 1L;
      default -> 0;
    };
    return unit == 0 || amount > Long.MAX_VALUE / unit ? -1 : amount * unit; // past ~290 years: none
  }

  /**
   * A remaining time as the header says it: in the finest of milliseconds, seconds, minutes, hours whose count fits
   * the spec's 8 digits (at least 1 ms), rounded down.
   */
  static String encode(long nanos) {
    long ms = Math.max(1, nanos / 1_000_000);
    if (ms <= MAX_DIGITS) {
      return ms + "m";
    }
    long seconds = ms / 1000;
    if (seconds <= MAX_DIGITS) {
      return seconds + "S";
    }
    long minutes = seconds / 60;
    return minutes <= MAX_DIGITS ? minutes + "M" : Math.min(MAX_DIGITS, minutes / 60) + "H";
  }

  private static final long MAX_DIGITS = 99_999_999;
}
