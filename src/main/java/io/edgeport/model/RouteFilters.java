package io.edgeport.model;

import io.edgeport.model.RequestConditions.NameValue;
import java.util.List;

/**
 * What a rule changes on the way (Gateway API's HTTPRouteFilter): header edits both ways, a redirect
 * answered by the gateway, or a rewrite of host and path before forwarding. Config-file and Ingress
 * rules have none.
 *
 * @param requestHeaders  edits of the headers sent to the node
 * @param responseHeaders edits of the headers sent to the client
 * @param redirect        answer with a redirect instead of forwarding, or null
 * @param rewrite         the host and path the node sees, or null
 */
public record RouteFilters(HeaderEdits requestHeaders, HeaderEdits responseHeaders, Redirect redirect,
    Rewrite rewrite) {
  public static final RouteFilters NONE = new RouteFilters(HeaderEdits.NONE, HeaderEdits.NONE, null, null);

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
}
