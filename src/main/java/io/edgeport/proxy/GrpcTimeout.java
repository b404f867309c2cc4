package io.edgeport.proxy;

/** gRPC's {@code grpc-timeout} header (the gRPC over HTTP/2 spec): 1 to 8 digits and a unit, H M S m u n. */
final class GrpcTimeout {
  private GrpcTimeout() {}

  /** The timeout in nanoseconds, or 0 for a value that is not one, or too long to be (then the call has none). */
  static long nanos(String value) {
    int n = value.length() - 1;
    if (n < 1 || n > 8) {
      return 0;
    }
    long amount = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
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
    return unit == 0 || amount > Long.MAX_VALUE / unit ? 0 : amount * unit; // past ~290 years: none
  }

  /** A remaining time as the header says it, in milliseconds (at least 1). */
  static String millis(long nanos) {
    return Math.max(1, nanos / 1_000_000) + "m";
  }
}
