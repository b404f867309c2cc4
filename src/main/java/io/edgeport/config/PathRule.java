package io.edgeport.config;

/**
 * One path of a domain, with Ingress semantics.
 *
 * @param path for {@link PathMatch#PREFIX} a path prefix matched element-wise ({@code /api} matches
 *     {@code /api} and {@code /api/x}, not {@code /apix}); for {@link PathMatch#EXACT} the whole path
 */
public record PathRule(PathMatch match, String path, BackendRef backend) {

  public enum PathMatch { PREFIX, EXACT }

  /** The rule a domain with a plain {@code nodePort} gets: everything. */
  public static PathRule everything(BackendRef backend) {
    return new PathRule(PathMatch.PREFIX, "/", backend);
  }
}
