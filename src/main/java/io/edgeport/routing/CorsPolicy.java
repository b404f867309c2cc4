package io.edgeport.routing;

import io.edgeport.model.RouteFilters.Cors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A rule's CORS filter (Gateway API HTTPCORSFilter), compiled once per generation: which origins it lets in, and the
 * headers its answers carry. Pure: the request path asks it, and writes what it says.
 */
public final class CorsPolicy {
  private final boolean anyOrigin;
  private final Set<String> origins;
  /** Wildcard origins as (scheme + "://", "." + parent domain, port suffix or ""). */
  private final List<String[]> wildcards;
  private final boolean credentials;
  private final String methods;
  private final boolean anyMethod;
  private final String headers;
  private final boolean anyHeader;
  private final String expose;
  private final String maxAge;

  public CorsPolicy(Cors cors) {
    anyOrigin = cors.allowOrigins().contains("*");
    List<String> exact = new ArrayList<>();
    List<String[]> wild = new ArrayList<>();
    for (String o : cors.allowOrigins()) {
      int star = o.indexOf("://*.");
      if (star > 0) {
        String rest = o.substring(star + 4); // ".example.com[:port]"
        int colon = rest.indexOf(':');
        wild.add(new String[] {o.substring(0, star + 3), colon < 0 ? rest : rest.substring(0, colon),
            colon < 0 ? "" : rest.substring(colon)});
      } else if (!o.equals("*")) {
        exact.add(o.toLowerCase(Locale.ROOT));
      }
    }
    origins = Set.copyOf(exact);
    wildcards = List.copyOf(wild);
    credentials = cors.allowCredentials();
    anyMethod = cors.allowMethods().contains("*");
    methods = String.join(", ", cors.allowMethods());
    anyHeader = cors.allowHeaders().contains("*");
    headers = String.join(", ", cors.allowHeaders());
    expose = String.join(", ", cors.exposeHeaders());
    maxAge = Integer.toString(cors.maxAgeSeconds());
  }

  /** Does the filter let this {@code Origin} in? */
  public boolean allows(String origin) {
    if (origin == null) {
      return false;
    }
    if (anyOrigin) {
      return true;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    if (origins.contains(o)) {
      return true;
    }
    for (String[] w : wildcards) {
      if (o.startsWith(w[0]) && o.endsWith(w[1] + w[2])) {
        String host = o.substring(w[0].length(), o.length() - w[2].length());
        if (host.length() > w[1].length() && host.indexOf(':') < 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** Is every answer the same whatever the Origin ({@code *} without credentials)? Else caches must Vary on it. */
  public boolean sameForEveryOrigin() {
    return anyOrigin && !credentials;
  }

  /** Do preflight answers echo what was asked ({@code *} with credentials)? Then caches must Vary on that too. */
  public boolean echoes() {
    return credentials && (anyMethod || anyHeader);
  }

  /** The {@code Access-Control-Allow-Origin} for an allowed origin: {@code *} only where no credentials are sent. */
  public String allowOrigin(String origin) {
    return anyOrigin && !credentials ? "*" : origin;
  }

  public boolean credentials() {
    return credentials;
  }

  /** The {@code Access-Control-Allow-Methods} of a preflight that asked for {@code requested}. */
  public String allowMethods(String requested) {
    return anyMethod ? (credentials ? requested : "*") : methods;
  }

  /** The {@code Access-Control-Allow-Headers} of a preflight that asked for {@code requested} (or null: none). */
  public String allowHeaders(String requested) {
    if (anyHeader) {
      return credentials ? requested : "*";
    }
    return headers.isEmpty() ? null : headers;
  }

  /** The {@code Access-Control-Expose-Headers} of an answer, or null. */
  public String exposeHeaders() {
    return expose.isEmpty() ? null : expose;
  }

  public String maxAge() {
    return maxAge;
  }
}
