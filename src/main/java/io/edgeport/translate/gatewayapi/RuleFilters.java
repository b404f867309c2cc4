package io.edgeport.translate.gatewayapi;

import io.edgeport.model.BackendRef;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.RouteFilters.HeaderEdits;
import io.edgeport.model.RouteFilters.PathReplacement;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A rule's filters → {@link RouteFilters}: header edits both ways, RequestRedirect, URLRewrite, CORS and RequestMirror
 * for HTTPRoutes; header edits and RequestMirror for GRPCRoutes; header edits only on a backendRef. Anything else
 * makes the route unserved ({@link Unsupported}).
 */
final class RuleFilters {
  private RuleFilters() {}

  /** The filter types of an HTTPRoute rule, and of a GRPCRoute rule. */
  static final Set<String> HTTP = Set.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect",
      "URLRewrite", "RequestMirror", "CORS");
  static final Set<String> GRPC = Set.of("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror");

  /**
   * @param prefixRewrite a redirect or rewrite replaces the matched prefix (the rule's matches must be prefixes)
   * @param refs          ResolvedRefs False for the first mirror backendRef that cannot be used, else null
   */
  record Translated(RouteFilters filters, boolean prefixRewrite, Condition refs) {}

  /**
   * @param types   the filter types the route's kind takes
   * @param field   the rule's, for messages
   * @param mirrors resolves a RequestMirror's backendRef as the rule's backendRefs are
   * @throws Unsupported for a filter edgeport does not implement, or one it cannot serve as given
   */
  static Translated of(List<HTTPRouteFilter> given, Set<String> types, String field,
      Function<BackendObjectReference, BackendRefs.Resolved> mirrors) {
    HeaderEdits request = HeaderEdits.NONE;
    HeaderEdits response = HeaderEdits.NONE;
    RouteFilters.Redirect redirect = null;
    RouteFilters.Rewrite rewrite = null;
    RouteFilters.Cors cors = null;
    List<RouteFilters.Mirror> mirrored = new ArrayList<>();
    Condition refs = null;
    boolean prefixRewrite = false;
    List<HTTPRouteFilter> filters = Objects.requireNonNullElse(given, List.of());
    for (int i = 0; i < filters.size(); i++) {
      HTTPRouteFilter f = filters.get(i);
      String type = Objects.requireNonNullElse(f.getType(), "");
      if (!types.contains(type)) {
        throw new Unsupported("filter " + type + " is not supported");
      }
      switch (type) {
        case "RequestHeaderModifier" -> request = headerEdits(f, type, "");
        case "ResponseHeaderModifier" -> response = headerEdits(f, type, "");
        case "RequestRedirect" -> {
          var r = f.getRequestRedirect();
          if (r == null) {
            throw new Unsupported("RequestRedirect without its settings");
          }
          PathReplacement path = replacement(r.getPath());
          prefixRewrite |= path != null && !path.wholePath();
          redirect = new RouteFilters.Redirect(r.getScheme() == null ? null : r.getScheme().toLowerCase(Locale.ROOT),
              r.getHostname(), r.getPort() == null ? 0 : r.getPort(), path,
              r.getStatusCode() == null ? 302 : r.getStatusCode());
        }
        case "URLRewrite" -> {
          var r = f.getUrlRewrite();
          if (r == null) {
            throw new Unsupported("URLRewrite without its settings");
          }
          PathReplacement path = replacement(r.getPath());
          prefixRewrite |= path != null && !path.wholePath();
          rewrite = new RouteFilters.Rewrite(r.getHostname(), path);
        }
        case "CORS" -> {
          if (f.getCors() == null) {
            throw new Unsupported("CORS without its settings");
          }
          cors = CorsFilters.of(f.getCors(), field + ".filters[" + i + "].cors");
        }
        case "RequestMirror" -> {
          HTTPRequestMirrorFilter m = f.getRequestMirror();
          if (m == null || m.getBackendRef() == null) {
            throw new Unsupported("RequestMirror without its backendRef");
          }
          BackendRefs.Resolved to = mirrors.apply(m.getBackendRef());
          refs = refs == null ? to.problem() : refs;
          mirrored.add(mirror(m, to.ref(), field + ".filters[" + i + "].requestMirror"));
        }
      }
    }
    if (redirect != null && rewrite != null) {
      throw new Unsupported("RequestRedirect and URLRewrite cannot be used together");
    }
    return new Translated(new RouteFilters(request, response, redirect, rewrite, cors, mirrored), prefixRewrite, refs);
  }

  /**
   * A backendRef's filters → a {@link RouteFilters} of header edits only, or null when it has none.
   *
   * @param field the backendRef's, for messages
   * @throws Unsupported for another filter type, or a header edit edgeport refuses
   */
  static RouteFilters ofBackend(List<HTTPRouteFilter> given, String field) {
    if (given == null || given.isEmpty()) {
      return null;
    }
    HeaderEdits request = HeaderEdits.NONE;
    HeaderEdits response = HeaderEdits.NONE;
    for (HTTPRouteFilter f : given) {
      String type = Objects.requireNonNullElse(f.getType(), "");
      switch (type) {
        case "RequestHeaderModifier" -> request = headerEdits(f, type, field + ": ");
        case "ResponseHeaderModifier" -> response = headerEdits(f, type, field + ": ");
        default -> throw new Unsupported(field + ": filter " + type + " is not supported on a backendRef (header"
            + " filters are)");
      }
    }
    return new RouteFilters(request, response, null, null);
  }

  /**
   * A RequestMirror to {@code backend} (null: it cannot be used), for its share of the requests: {@code percent} of
   * 100, or {@code fraction}, or all of them.
   */
  private static RouteFilters.Mirror mirror(HTTPRequestMirrorFilter m, BackendRef backend, String field) {
    int numerator = 1;
    int denominator = 1;
    if (m.getPercent() != null && m.getFraction() != null) {
      throw new Unsupported(field + ": percent and fraction cannot both be given");
    } else if (m.getPercent() != null) {
      if (m.getPercent() < 0 || m.getPercent() > 100) {
        throw new Unsupported(field + ".percent " + m.getPercent() + " is not 0 to 100");
      }
      numerator = m.getPercent();
      denominator = 100;
    } else if (m.getFraction() != null) {
      Fraction f = m.getFraction();
      denominator = Objects.requireNonNullElse(f.getDenominator(), 100);
      if (f.getNumerator() == null || denominator <= 0 || f.getNumerator() < 0 || f.getNumerator() > denominator) {
        throw new Unsupported(field + ".fraction " + f.getNumerator() + "/" + denominator + " is not a fraction of"
            + " the requests (0 <= numerator <= denominator, denominator > 0)");
      }
      numerator = f.getNumerator();
    }
    return new RouteFilters.Mirror(backend, numerator, denominator);
  }

  /** A header filter's edits, checked ({@code where} starts the message of a refusal). */
  private static HeaderEdits headerEdits(HTTPRouteFilter f, String type, String where) {
    HTTPHeaderFilter h = type.equals("RequestHeaderModifier") ? f.getRequestHeaderModifier()
        : f.getResponseHeaderModifier();
    String refused = refusedHeaderEdit(h);
    if (refused != null) {
      throw new Unsupported(where + type + " " + refused);
    }
    return edits(h);
  }

  private static PathReplacement replacement(HTTPPathModifier m) {
    if (m == null) {
      return null;
    }
    return "ReplacePrefixMatch".equals(m.getType()) ? new PathReplacement(false, m.getReplacePrefixMatch())
        : new PathReplacement(true, m.getReplaceFullPath());
  }

  /**
   * Headers that no filter may set, add or remove: the framing of the message, its Host, and what belongs to one
   * hop. edgeport sets them itself; one set by a filter would make the two sides read the message differently
   * (Envoy refuses to let header mutations touch them, for the same reason).
   */
  static final Set<String> PROTECTED_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
      "host", "upgrade", "te", "trailer", "keep-alive", "proxy-connection");

  /** Why a header filter cannot be served (what it names, and why), or null. */
  private static String refusedHeaderEdit(HTTPHeaderFilter f) {
    if (f == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    List<HTTPHeader> values = new ArrayList<>();
    values.addAll(Objects.requireNonNullElse(f.getSet(), List.of()));
    values.addAll(Objects.requireNonNullElse(f.getAdd(), List.of()));
    values.forEach(h -> names.add(h.getName()));
    names.addAll(Objects.requireNonNullElse(f.getRemove(), List.of()));
    for (String name : names) {
      String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
      if (lower.startsWith(":") || PROTECTED_HEADERS.contains(lower)) {
        return "cannot change " + lower + ": edgeport sets the framing, Host, hop-by-hop and pseudo-headers itself";
      }
      if (lower.isEmpty() || HttpHeaderValidationUtil.validateToken(lower) >= 0) {
        return "names '" + lower + "', which is not a header name";
      }
    }
    for (HTTPHeader h : values) {
      if (h.getValue() == null || HttpHeaderValidationUtil.validateValidHeaderValue(h.getValue()) >= 0) {
        return "gives " + h.getName().toLowerCase(Locale.ROOT) + " a value that is not a header value"
            + " (a control character, or none)";
      }
    }
    return null;
  }

  private static HeaderEdits edits(HTTPHeaderFilter f) {
    if (f == null) {
      return HeaderEdits.NONE;
    }
    return new HeaderEdits(pairs(f.getSet()), pairs(f.getAdd()),
        Objects.requireNonNullElse(f.getRemove(), List.<String>of()).stream()
            .map(n -> n.toLowerCase(Locale.ROOT)).toList());
  }

  private static List<NameValue> pairs(List<HTTPHeader> headers) {
    return Objects.requireNonNullElse(headers, List.<HTTPHeader>of()).stream()
        .map(h -> new NameValue(h.getName().toLowerCase(Locale.ROOT), h.getValue())).toList();
  }
}
