package io.edgeport.support;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock API as a cluster without (some of) the Gateway API CRDs: a path of {@code gateway.networking.k8s.io}
 * answers 404, as an API server does for a resource it does not serve, until {@link #install()} serves the whole
 * group or {@link #install(List)} single resources by "version/plural" ({@code v1/grpcroutes},
 * {@code v1beta1/referencegrants}), each at its version only. A resource {@link #forbid}den answers 403, as when RBAC
 * refuses it. What is served, the CRUD mock serves.
 */
public final class GatewayApiCrds extends KubernetesCrudDispatcher {
  /** The core kinds' resources: a cluster with these serves the Gateway API. */
  public static final List<String> CORE = List.of("v1/gatewayclasses", "v1/gateways", "v1/httproutes");
  private static final String GROUP_PATH = "/apis/gateway.networking.k8s.io/";
  /** A resource's path, cluster-wide or in a namespace: its version and plural. */
  private static final Pattern RESOURCE = Pattern.compile(
      Pattern.quote(GROUP_PATH) + "([^/?]+)(?:/namespaces/[^/?]+)?/([^/?]+).*");
  private volatile boolean all;
  private final Set<String> installed = ConcurrentHashMap.newKeySet();
  private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
  private final AtomicInteger notFound = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  /** Serves every resource of the group (each version on its own, as the CRUD mock stores it). */
  public void install() {
    all = true;
  }

  /** Serves {@code resources} ("v1/grpcroutes"), beside those served already. */
  public void install(List<String> resources) {
    installed.addAll(resources);
  }

  /** Answers 403 for {@code resource} ("v1/grpcroutes"), installed or not, until {@link #allow}. */
  public void forbid(String resource) {
    forbidden.add(resource);
  }

  public void allow(String resource) {
    forbidden.remove(resource);
  }

  /** How many requests were answered 404 so far. */
  public int notFound() {
    return notFound.get();
  }

  /** How many requests were answered 403 so far. */
  public int refused() {
    return refused.get();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    if (!path.startsWith(GROUP_PATH)) {
      return super.dispatch(request);
    }
    Matcher m = RESOURCE.matcher(path);
    String resource = m.matches() ? m.group(1) + "/" + m.group(2) : null;
    if (resource != null && forbidden.contains(resource)) {
      refused.incrementAndGet();
      String plural = m.group(2);
      return status(403, "Forbidden", plural + ".gateway.networking.k8s.io is forbidden: User"
          + " \\\"system:serviceaccount:edgeport:edgeport\\\" cannot list resource \\\"" + plural
          + "\\\" in API group \\\"gateway.networking.k8s.io\\\" at the cluster scope");
    }
    if (all || resource != null && installed.contains(resource)) {
      return super.dispatch(request);
    }
    notFound.incrementAndGet();
    return status(404, "NotFound", "the server could not find the requested resource");
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody("""
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"%s","reason":"%s",\
        "details":{},"code":%d}""".formatted(message, reason, code));
  }
}
