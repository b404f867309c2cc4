package io.edgeport.cluster.kubernetes;

import io.edgeport.translate.gatewayapi.GatewayApiTranslator;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gateway API kinds edgeport reads, and how the cluster is asked whether it serves one. The core kinds
 * (GatewayClass, Gateway, HTTPRoute) are the condition for serving the Gateway API at all: they are followed together,
 * once the cluster serves all three. Each optional kind is followed on its own as soon as the cluster serves it, at
 * the first of its versions that it serves; without it the rest is served, and the log and status say what is not.
 */
public enum GatewayApiKind {
  GATEWAY_CLASSES("GatewayClass", "gatewayclasses", false, null, "v1"),
  GATEWAYS("Gateway", "gateways", true, null, "v1"),
  HTTP_ROUTES("HTTPRoute", "httproutes", true, null, "v1"),
  GRPC_ROUTES("GRPCRoute", "grpcroutes", true, "GRPCRoutes are not served", "v1"),
  REFERENCE_GRANTS("ReferenceGrant", "referencegrants", true,
      "no route or listener may refer to another namespace (no ReferenceGrant can permit it)", "v1", "v1beta1"),
  BACKEND_LB_POLICIES("BackendLBPolicy", "backendlbpolicies", true,
      "BackendLBPolicies are not applied (no session persistence from them)", "v1alpha2");

  private final String kind;
  private final String plural;
  private final boolean namespaced;
  /** What is not served without this optional kind; null for a core one. */
  private final String withoutIt;
  private final List<String> versions;

  /** @param versions the versions edgeport takes, the preferred first */
  GatewayApiKind(String kind, String plural, boolean namespaced, String withoutIt, String... versions) {
    this.kind = kind;
    this.plural = plural;
    this.namespaced = namespaced;
    this.withoutIt = withoutIt;
    this.versions = List.of(versions);
  }

  /** The kind, as the API spells it ({@code GRPCRoute}). */
  public String kind() {
    return kind;
  }

  /** The resource's plural, as RBAC rules name it. */
  public String plural() {
    return plural;
  }

  /** Does edgeport serve the Gateway API only where the cluster serves this kind? */
  public boolean core() {
    return withoutIt == null;
  }

  /** The resource as discovery names it: {@code grpcroutes.gateway.networking.k8s.io/v1} ("v1 or v1beta1"). */
  String resource() {
    return plural + "." + GatewayApiTranslator.GROUP + "/" + String.join(" or ", versions);
  }

  /** The resource at {@code version}, for the generic client. */
  ResourceDefinitionContext at(String version) {
    return new ResourceDefinitionContext.Builder().withGroup(GatewayApiTranslator.GROUP).withVersion(version)
        .withKind(kind).withPlural(plural).withNamespaced(namespaced).build();
  }

  /** The ClusterRole rule that lets edgeport follow this kind. */
  String rule() {
    return "{apiGroups: [\"" + GatewayApiTranslator.GROUP + "\"], resources: [\"" + plural
        + "\"], verbs: [\"get\", \"list\", \"watch\"]}";
  }

  /** Why an optional kind is not followed. */
  enum Unserved {
    /** 404: the CRD (or this version of it) is not installed. */
    NOT_FOUND,
    /** 403: RBAC does not let edgeport list it. */
    FORBIDDEN,
    /** Any other failure to ask, or informers that could not start. */
    FAILED
  }

  /**
   * What the cluster answered for {@code kind}: the {@code version} it serves, or (null) why not, with the API's
   * {@code detail}.
   */
  record Answer(GatewayApiKind kind, String version, Unserved unserved, String detail) {
    boolean served() {
      return version != null;
    }

    /** Why it is not followed and what that means, for the log and status. */
    String describe() {
      String why = switch (unserved) {
        case NOT_FOUND -> " not found (its CRD is not installed)";
        case FORBIDDEN -> " is not allowed (" + detail + "): edgeport's ClusterRole needs the rule " + kind.rule();
        case FAILED -> " cannot be followed (" + detail + ")";
      };
      return kind.resource() + why + ": " + kind.withoutIt;
    }
  }

  /**
   * Asks whether the cluster serves this kind (a blocking call), at each of its versions in turn: a 404 means that
   * version is not installed.
   *
   * @throws KubernetesClientException for a core kind, any answer but 404 (the API cannot be asked, or refuses what
   *     edgeport needs); an optional kind's other answers are {@link Unserved#FORBIDDEN} (403) or
   *     {@link Unserved#FAILED}
   */
  Answer ask(KubernetesClient client) {
    for (String version : versions) {
      try {
        client.genericKubernetesResources(at(version)).inAnyNamespace()
            .list(new ListOptionsBuilder().withLimit(1L).build());
        return new Answer(this, version, null, null);
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          continue;
        }
        if (core()) {
          throw e;
        }
        return new Answer(this, null, e.getCode() == HttpURLConnection.HTTP_FORBIDDEN ? Unserved.FORBIDDEN
            : Unserved.FAILED, e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage() : e.getMessage());
      }
    }
    return new Answer(this, null, Unserved.NOT_FOUND, null);
  }

  /**
   * Asks for {@code kinds} (in this enum's order, a blocking call); the optional ones only when every core kind among
   * them is served: without the core, none is followed.
   */
  static List<Answer> ask(KubernetesClient client, List<GatewayApiKind> kinds) {
    List<Answer> out = new ArrayList<>();
    for (GatewayApiKind k : kinds) {
      if (!k.core() && out.stream().anyMatch(a -> a.kind().core() && !a.served())) {
        break;
      }
      out.add(k.ask(client));
    }
    return out;
  }
}
