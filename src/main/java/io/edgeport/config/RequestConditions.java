package io.edgeport.config;

import java.util.List;

/**
 * What a request must carry besides its path to take a rule (Gateway API's HTTPRouteMatch): all of them,
 * each compared exactly. Config-file and Ingress rules have none.
 *
 * @param method      an HTTP method, or null: any
 * @param headers     header name (lower case) and value
 * @param queryParams query parameter name and value (names are case-sensitive)
 */
public record RequestConditions(String method, List<NameValue> headers, List<NameValue> queryParams) {
  public static final RequestConditions NONE = new RequestConditions(null, List.of(), List.of());

  public RequestConditions {
    headers = List.copyOf(headers);
    queryParams = List.copyOf(queryParams);
  }

  public record NameValue(String name, String value) {}

  public boolean isNone() {
    return method == null && headers.isEmpty() && queryParams.isEmpty();
  }
}
