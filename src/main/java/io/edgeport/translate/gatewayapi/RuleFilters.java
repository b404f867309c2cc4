package io.edgeport.translate.gatewayapi;

import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.RouteFilters.HeaderEdits;
import io.edgeport.model.RouteFilters.PathReplacement;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** An HTTPRoute rule's filters → {@link RouteFilters}: the four core kinds, or why the rule cannot be served. */
final class RuleFilters {
  private RuleFilters() {}

  /**
   * @param filters       null when {@code unsupported} says why there are none
   * @param prefixRewrite a redirect or rewrite replaces the matched prefix (the rule's matches must be prefixes)
   */
  record Translated(RouteFilters filters, String unsupported, boolean prefixRewrite) {
    private static Translated unsupported(String why) {
      return new Translated(null, why, false);
    }
  }

  static Translated of(HTTPRouteRule rule) {
    HeaderEdits request = HeaderEdits.NONE;
    HeaderEdits response = HeaderEdits.NONE;
    RouteFilters.Redirect redirect = null;
    RouteFilters.Rewrite rewrite = null;
    boolean prefixRewrite = false;
    for (HTTPRouteFilter f : Objects.requireNonNullElse(rule.getFilters(), List.<HTTPRouteFilter>of())) {
      String type = Objects.requireNonNullElse(f.getType(), "");
      switch (type) {
        case "RequestHeaderModifier", "ResponseHeaderModifier" -> {
          boolean onRequest = type.equals("RequestHeaderModifier");
          HTTPHeaderFilter h = onRequest ? f.getRequestHeaderModifier() : f.getResponseHeaderModifier();
          String refused = refusedHeaderEdit(h);
          if (refused != null) {
            return Translated.unsupported(type + " " + refused);
          }
          if (onRequest) {
            request = edits(h);
          } else {
            response = edits(h);
          }
        }
        case "RequestRedirect" -> {
          var r = f.getRequestRedirect();
          if (r == null) {
            return Translated.unsupported("RequestRedirect without its settings");
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
            return Translated.unsupported("URLRewrite without its settings");
          }
          PathReplacement path = replacement(r.getPath());
          prefixRewrite |= path != null && !path.wholePath();
          rewrite = new RouteFilters.Rewrite(r.getHostname(), path);
        }
        default -> {
          return Translated.unsupported("filter " + type + " is not supported");
        }
      }
    }
    if (redirect != null && rewrite != null) {
      return Translated.unsupported("RequestRedirect and URLRewrite cannot be used together");
    }
    return new Translated(new RouteFilters(request, response, redirect, rewrite), null, prefixRewrite);
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
  private static final Set<String> PROTECTED_HEADERS = Set.of("content-length", "transfer-encoding", "connection",
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
