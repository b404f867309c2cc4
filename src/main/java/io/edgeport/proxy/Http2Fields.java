package io.edgeport.proxy;

import io.vertx.core.http.HttpServerRequest;
import java.util.function.BiConsumer;

/**
 * The field rules of RFC 9113 §8.2.1 for an HTTP/2 request, checked before it is routed: what Http1Scanner refuses
 * on HTTP/1 must not reach a node (over HTTP/1.1) by way of HTTP/2. A field name is lower-case token characters (no
 * colon, space or control character); a value has no NUL, CR or LF (so no folded line), no other control character
 * but an inner HTAB, and no space or HTAB at either end; {@code :path} is an origin-form target without spaces or
 * control characters. Netty's codec has already reset streams with upper-case names or connection-specific fields
 * and refused methods that are not tokens; Vert.x has taken the pseudo-header fields out of the headers. One per
 * event loop.
 */
final class Http2Fields implements BiConsumer<String, String> {
  private boolean bad;

  /** Does the request follow the rules? (An h2 request only.) */
  boolean valid(HttpServerRequest request) {
    if (!target(request.uri())) {
      return false;
    }
    bad = false;
    request.headers().forEach(this);
    return !bad;
  }

  @Override
  public void accept(String name, String value) {
    if (!bad && !(name(name) && value(value))) {
      bad = true;
    }
  }

  /** A field name: a token without upper case. */
  static boolean name(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 128 || !Http1Scanner.TCHAR[c] || c >= 'A' && c <= 'Z') {
        return false;
      }
    }
    return true;
  }

  static boolean value(String v) {
    int n = v.length();
    if (n > 0 && (isWhitespace(v.charAt(0)) || isWhitespace(v.charAt(n - 1)))) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** Origin form, and no byte a request line could not carry (as {@code Http1Scanner} for a target). */
  static boolean target(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= 0x20 || c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t';
  }
}
