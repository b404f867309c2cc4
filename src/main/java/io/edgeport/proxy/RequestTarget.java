package io.edgeport.proxy;

import io.edgeport.routing.PathNormalizer;

/**
 * The parts of a request line's target that routing needs. Origin form ({@code /path?q}) takes its
 * authority from the Host header; absolute form ({@code http://host/path?q}) carries its own, which
 * wins (RFC 9112 §3.2.2) and the request is forwarded in origin form.
 *
 * @param authority the host[:port] to route by, or null
 * @param target    origin-form target to forward, unchanged (percent-encoding and all)
 * @param path      {@code target} up to the query
 * @param matching  {@code path} in the form routing matches ({@link PathNormalizer#forMatching}), computed once
 */
record RequestTarget(String authority, String target, String path, String matching) {

  /**
   * @return null when the target is neither origin nor absolute form, or its path is one that servers read in
   *     different ways ({@link PathNormalizer}): a 400 either way
   */
  static RequestTarget parse(String uri, String hostHeader) {
    if (uri.startsWith("/")) {
      return of(hostHeader, uri);
    }
    int schemeEnd;
    if (uri.regionMatches(true, 0, "http://", 0, 7)) {
      schemeEnd = 7;
    } else if (uri.regionMatches(true, 0, "https://", 0, 8)) {
      schemeEnd = 8;
    } else {
      return null;
    }
    int end = schemeEnd;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    String authority = uri.substring(schemeEnd, end);
    if (authority.indexOf('@') >= 0) {
      return null; // userinfo has no place in a request target
    }
    String rest = uri.substring(end);
    String target = rest.isEmpty() ? "/" : rest.charAt(0) == '/' ? rest : "/" + rest;
    return of(authority, target);
  }

  private static RequestTarget of(String authority, String target) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String matching = PathNormalizer.forMatching(path);
    return matching == null ? null : new RequestTarget(authority, target, path, matching);
  }
}
