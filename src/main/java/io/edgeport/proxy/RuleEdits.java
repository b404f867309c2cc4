package io.edgeport.proxy;

import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RouteFilters.HeaderEdits;
import io.edgeport.model.RouteFilters.PathReplacement;
import io.edgeport.model.RouteFilters.Redirect;
import io.edgeport.routing.Route;
import io.vertx.core.MultiMap;

/** A rule's filters applied to one request: the redirect it answers, the target it forwards, header edits. */
final class RuleEdits {
  private RuleEdits() {}

  /**
   * The Location of a redirect: each part the filter leaves out is the request's. Without a port, a given
   * scheme gets its well-known port and otherwise the request keeps its own; a well-known port is left out.
   */
  static String location(Redirect redirect, RequestTarget target, Route route, boolean tls) {
    String scheme = redirect.scheme() != null ? redirect.scheme() : tls ? "https" : "http";
    String authority = target.authority();
    int colon = authority.lastIndexOf(':');
    boolean hasPort = colon > 0 && authority.indexOf(']') < colon;
    String host = redirect.hostname() != null ? redirect.hostname() : hasPort ? authority.substring(0, colon) : authority;
    int port = redirect.port() > 0 ? redirect.port()
        : redirect.scheme() == null && hasPort ? Integer.parseInt(authority.substring(colon + 1)) : 0;
    boolean wellKnown = port == 0 || port == 80 && scheme.equals("http") || port == 443 && scheme.equals("https");
    String path = redirect.path() == null ? target.target() : replaced(redirect.path(), target, route);
    return scheme + "://" + host + (wellKnown ? "" : ":" + port) + path;
  }

  /** The origin-form target with its path replaced (the query kept). */
  static String replaced(PathReplacement replacement, RequestTarget target, Route route) {
    String path = target.path();
    String query = target.target().substring(path.length());
    if (replacement.wholePath()) {
      return replacement.value() + query;
    }
    String prefix = route.path().equals("/") ? "" : route.path();
    String rest = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
    String with = replacement.value().isEmpty() ? "/" : replacement.value();
    if (rest.isEmpty()) {
      return with + query;
    }
    return (with.endsWith("/") ? with.substring(0, with.length() - 1) : with) + rest + query;
  }

  static void apply(HeaderEdits edits, MultiMap headers) {
    for (NameValue h : edits.set()) {
      headers.set(h.name(), h.value());
    }
    for (NameValue h : edits.add()) {
      headers.add(h.name(), h.value());
    }
    for (String name : edits.remove()) {
      headers.remove(name);
    }
  }
}
