package io.edgeport.translate.gatewayapi;

import io.edgeport.model.SessionPersistence;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Session persistence (GEP-1619), of a route rule or a BackendLBPolicy → {@link SessionPersistence}:
 * <ul>
 *   <li>Type Cookie (the default) or Header; the token's name defaults to {@value #COOKIE} (a cookie) or
 *       {@value #HEADER} (a header) and must be a cookie name or header name (a token).</li>
 *   <li>{@code absoluteTimeout} and {@code idleTimeout} are Gateway API durations; {@code 0s} is none, as for
 *       timeouts. {@code idleTimeout} is read from the fields fabric8's model lacks.</li>
 *   <li>{@code cookieConfig.lifetimeType} Permanent (a cookie with Max-Age) needs an absoluteTimeout; Session is the
 *       default. A Header session has no cookie to make permanent: Permanent there is refused.</li>
 * </ul>
 */
final class Sessions {
  static final String COOKIE = "edgeport-session";
  static final String HEADER = "x-edgeport-session";
  /** Headers of edgeport's own, besides the framing ones, that a Header session may not take over. */
  private static final java.util.Set<String> EDGEPORTS_HEADERS = java.util.Set.of("cookie", "set-cookie",
      "forwarded", "x-request-id", "strict-transport-security", "location", "vary", "content-type", "grpc-status",
      "grpc-message", "grpc-timeout");
  private static final Set<String> POLICY_FIELDS = Set.of("targetRefs", "sessionPersistence");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Sessions() {}

  /**
   * @param field where it is, for messages
   * @throws Unsupported when it asks what edgeport cannot do
   */
  static SessionPersistence of(io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence s, String field) {
    String type = Objects.requireNonNullElse(s.getType(), "Cookie");
    if (!type.equals("Cookie") && !type.equals("Header")) {
      throw new Unsupported(field + ".type " + type + " is not supported (Cookie or Header)");
    }
    boolean cookie = type.equals("Cookie");
    String name = Objects.requireNonNullElse(s.getSessionName(), cookie ? COOKIE : HEADER);
    if (name.isEmpty() || HttpHeaderValidationUtil.validateToken(name) >= 0) {
      throw new Unsupported(field + ".sessionName '" + name + "' is not a " + (cookie ? "cookie" : "header") + " name");
    }
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (!cookie && (RuleFilters.PROTECTED_HEADERS.contains(lower) || EDGEPORTS_HEADERS.contains(lower)
        || lower.startsWith("x-forwarded-") || lower.startsWith("access-control-"))) {
      throw new Unsupported(field + ".sessionName '" + name + "' names a header edgeport or HTTP itself sets (framing,"
          + " hop-by-hop, cookies, forwarding, CORS): the session needs a header of its own");
    }
    Duration absolute = GatewayDurations.parseOrNone(s.getAbsoluteTimeout(), field + ".absoluteTimeout");
    Object idle = s.getAdditionalProperties() == null ? null : s.getAdditionalProperties().get("idleTimeout");
    if (idle != null && !(idle instanceof String)) {
      throw new Unsupported(field + ".idleTimeout " + idle + " is not a Gateway API duration");
    }
    Duration idleTimeout = GatewayDurations.parseOrNone((String) idle, field + ".idleTimeout");
    String lifetime = s.getCookieConfig() == null ? null : s.getCookieConfig().getLifetimeType();
    lifetime = Objects.requireNonNullElse(lifetime, "Session");
    if (!lifetime.equals("Session") && !lifetime.equals("Permanent")) {
      throw new Unsupported(field + ".cookieConfig.lifetimeType " + lifetime + " is not supported (Session or"
          + " Permanent)");
    }
    boolean permanent = lifetime.equals("Permanent");
    if (permanent && !cookie) {
      throw new Unsupported(field + ".cookieConfig.lifetimeType Permanent needs type Cookie");
    }
    if (permanent && absolute == null) {
      throw new Unsupported(field + ".cookieConfig.lifetimeType Permanent needs an absoluteTimeout (the cookie's"
          + " Max-Age)");
    }
    return new SessionPersistence(cookie ? SessionPersistence.Type.COOKIE : SessionPersistence.Type.HEADER,
        cookie ? name : name.toLowerCase(Locale.ROOT), absolute, idleTimeout, permanent);
  }

  /**
   * The session persistence BackendLBPolicies give Services.
   *
   * @param byService by "namespace/name" of the Service
   * @param notes     why a policy, or one of its targets, is not used, for the log
   */
  record Policies(Map<String, SessionPersistence> byService, List<String> notes) {
    static final Policies NONE = new Policies(Map.of(), List.of());
  }

  /**
   * BackendLBPolicies ({@code v1alpha2}) → the session persistence of the Services they target: a targetRef of group
   * "" and kind Service, in the policy's namespace (other targets are not Services edgeport routes to). A Service
   * that several policies target takes the oldest's (GEP-713's rule for conflicting policies). A policy that asks
   * what edgeport cannot do is not used at all; it has no status (edgeport writes none for BackendLBPolicies), so its
   * note in the log says why.
   */
  static Policies policies(List<GenericKubernetesResource> policies) {
    Map<String, SessionPersistence> byService = new LinkedHashMap<>();
    Map<String, String> owner = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (GenericKubernetesResource p : GatewayApiObjects.oldestFirst(policies)) {
      String id = "backendlbpolicy " + GatewayApiObjects.key(p);
      Object specValue = p.getAdditionalProperties().get("spec");
      Map<?, ?> spec = specValue instanceof Map<?, ?> m ? m : Map.of();
      String unknown = spec.keySet().stream().map(String::valueOf).filter(k -> !POLICY_FIELDS.contains(k)).sorted()
          .findFirst().orElse(null);
      if (unknown != null) {
        notes.add(id + ": not used: unknown field spec." + unknown);
        continue;
      }
      if (spec.get("sessionPersistence") == null) {
        continue; // nothing edgeport applies
      }
      io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence given;
      try {
        given = SERIALIZATION.convertValue(spec.get("sessionPersistence"),
            io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence.class);
      } catch (RuntimeException e) { // a field of the wrong shape
        notes.add(id + ": not used: spec.sessionPersistence cannot be read: " + e.getMessage());
        continue;
      }
      SessionPersistence session;
      try {
        String field = UnknownFields.first(given, "spec.sessionPersistence");
        if (field != null) {
          throw new Unsupported("unknown field " + field);
        }
        session = of(given, "spec.sessionPersistence");
      } catch (Unsupported e) {
        notes.add(id + ": not used: " + e.getMessage());
        continue;
      }
      Object refs = spec.get("targetRefs");
      for (Object t : refs instanceof List<?> l ? l : List.of()) {
        Map<?, ?> ref = t instanceof Map<?, ?> m ? m : Map.of();
        if (!"".equals(Objects.requireNonNullElse(ref.get("group"), "")) || !"Service".equals(ref.get("kind"))
            || !(ref.get("name") instanceof String name)) {
          notes.add(id + ": target " + ref.get("kind") + " " + ref.get("name") + " is not a Service: not used");
          continue;
        }
        String service = p.getMetadata().getNamespace() + "/" + name;
        if (byService.putIfAbsent(service, session) != null) {
          notes.add(id + ": service " + service + " already has the session persistence of the older "
              + owner.get(service) + ": not used for it");
        } else {
          owner.put(service, id);
        }
      }
    }
    return new Policies(byService, notes);
  }
}
