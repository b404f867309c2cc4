package io.edgeport.model;

import java.util.List;

/**
 * What a request must carry besides its path to take a rule (Gateway API's HTTPRouteMatch): all of them,
 * each compared exactly. Config-file and Ingress rules have none.
 *
 * @param method      an HTTP method, or null: any
 * @param headers     header name (lower case) and value
 * @param queryParams query parameter name and value (names are case-sensitive)
 * @param scheme      "http" or "https": the listener it must arrive on (a Gateway API route attached to only one
 *                    of them), or null: either
 */
public record RequestConditions(String method, List<NameValue> headers, List<NameValue> queryParams, String scheme) {
  public static final RequestConditions NONE = new RequestConditions(null, List.of(), List.of(), null);

  public RequestConditions {
    headers = List.copyOf(headers);
    queryParams = List.copyOf(queryParams);
  }

  public record NameValue(String name, String value) {}

  public boolean isNone() {
    return method == null && headers.isEmpty() && queryParams.isEmpty() && scheme == null;
  }
}
