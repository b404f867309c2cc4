package io.edgeport.support;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mock API as a cluster without the Gateway API CRDs: every path of {@code gateway.networking.k8s.io} answers
 * 404 as an API server does for a group it does not serve, until {@link #install} (then the CRUD mock serves them).
 */
public final class GatewayApiCrds extends KubernetesCrudDispatcher {
  private volatile boolean installed;
  private final AtomicInteger notFound = new AtomicInteger();

  public void install() {
    installed = true;
  }

  /** How many requests were answered 404 so far. */
  public int notFound() {
    return notFound.get();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!installed && request.getPath().startsWith("/apis/gateway.networking.k8s.io/")) {
      notFound.incrementAndGet();
      return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json").setBody("""
          {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
          "message":"the server could not find the requested resource","reason":"NotFound",\
          "details":{},"code":404}""");
    }
    return super.dispatch(request);
  }
}
