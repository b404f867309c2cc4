package io.edgeport.model;

import io.edgeport.model.RequestConditions.NameValue;
import java.util.List;

/**
 * What a rule changes on the way (Gateway API's HTTPRouteFilter): header edits both ways, a redirect
 * answered by the gateway, a rewrite of host and path before forwarding, CORS answered at the edge, copies
 * to mirrors. Config-file and Ingress rules have none.
 *
 * @param requestHeaders  edits of the headers sent to the node
 * @param responseHeaders edits of the headers sent to the client
 * @param redirect        answer with a redirect instead of forwarding, or null
 * @param rewrite         the host and path the node sees, or null
 * @param cors            CORS preflights answered at the edge and CORS headers on responses, or null
 * @param mirrors         backends that get a copy of (a share of) the requests, whose answers are dropped
 */
public record RouteFilters(HeaderEdits requestHeaders, HeaderEdits responseHeaders, Redirect redirect,
    Rewrite rewrite, Cors cors, List<Mirror> mirrors) {
  public static final RouteFilters NONE = new RouteFilters(HeaderEdits.NONE, HeaderEdits.NONE, null, null);

  public RouteFilters {
    mirrors = List.copyOf(mirrors);
  }

  public RouteFilters(HeaderEdits requestHeaders, HeaderEdits responseHeaders, Redirect redirect, Rewrite rewrite) {
    this(requestHeaders, responseHeaders, redirect, rewrite, null, List.of());
  }

  public boolean isNone() {
    return equals(NONE);
  }

  /** Applied in this order: set (replacing), add (appending), remove. Names are lower case. */
  public record HeaderEdits(List<NameValue> set, List<NameValue> add, List<String> remove) {
    public static final HeaderEdits NONE = new HeaderEdits(List.of(), List.of(), List.of());

    public HeaderEdits {
      set = List.copyOf(set);
      add = List.copyOf(add);
      remove = List.copyOf(remove);
    }

    public boolean isNone() {
      return set.isEmpty() && add.isEmpty() && remove.isEmpty();
    }
  }

  /**
   * @param scheme     "http" or "https", or null: the request's
   * @param hostname   or null: the request's
   * @param port       or 0: the scheme's well-known port when a scheme is given, else the listener's
   * @param path       or null: the request's
   * @param statusCode 301 or 302 (Gateway API core), or another 3xx
   */
  public record Redirect(String scheme, String hostname, int port, PathReplacement path, int statusCode) {}

  /** @param hostname the Host the node sees, or null: the request's; @param path or null: the request's */
  public record Rewrite(String hostname, PathReplacement path) {}

  /**
   * @param wholePath true: the path becomes {@code value} (ReplaceFullPath); false: the prefix the rule matched
   *                  is replaced by {@code value} (ReplacePrefixMatch)
   */
  public record PathReplacement(boolean wholePath, String value) {}

  /**
   * Gateway API's HTTPCORSFilter. An origin entry is {@code *}, an exact origin ({@code https://a.example.com}), or one
   * with a wildcard first label ({@code https://*.example.com}); methods and headers may be {@code *}.
   *
   * @param allowOrigins     as given (lower case)
   * @param allowMethods     upper case as given, or {@code *}
   * @param allowHeaders     lower case, or {@code *}
   * @param exposeHeaders    lower case, or {@code *}
   * @param allowCredentials answers carry {@code Access-Control-Allow-Credentials: true} (and never {@code *})
   * @param maxAgeSeconds    how long a preflight's answer may be cached
   */
  public record Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders,
      List<String> exposeHeaders, boolean allowCredentials, int maxAgeSeconds) {
    public Cors {
      allowOrigins = List.copyOf(allowOrigins);
      allowMethods = List.copyOf(allowMethods);
      allowHeaders = List.copyOf(allowHeaders);
      exposeHeaders = List.copyOf(exposeHeaders);
    }
  }

  /**
   * A RequestMirror filter: {@code numerator / denominator} of the rule's requests are copied to {@code backend}.
   *
   * @param backend null for a backendRef that cannot be used (nothing is mirrored)
   */
  public record Mirror(BackendRef backend, int numerator, int denominator) {}
}
