package io.edgeport.proxy;

import io.vertx.core.MultiMap;

/** Message framing facts the proxy decides on. */
final class Bodies {
  private Bodies() {}

  /** Does a request with these headers carry a body (RFC 9112 §6.3: chunked, or a non-zero Content-Length)? */
  static boolean declared(MultiMap headers) {
    if (headers.contains("transfer-encoding")) {
      return true;
    }
    String length = headers.get("content-length");
    return length != null && !length.equals("0");
  }

  /** The Content-Length of a request that declares one (and is not chunked), else -1. */
  static long declaredLength(MultiMap headers) {
    String length = headers.get("content-length");
    if (length == null || headers.contains("transfer-encoding")) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
