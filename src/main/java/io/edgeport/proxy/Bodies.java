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
}
