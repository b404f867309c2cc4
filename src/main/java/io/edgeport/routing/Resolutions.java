package io.edgeport.routing;

import io.edgeport.model.BackendRef;
import io.edgeport.model.Domain;
import io.edgeport.routing.BackendResolver.Resolution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every distinct backend of a set of domains, resolved once per change: health checking, routing
 * and status all read this one map instead of resolving again.
 *
 * @param byBackend in the order the domains first name them
 */
public record Resolutions(Map<BackendRef, Resolution> byBackend) {

  public Resolutions {
    byBackend = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byBackend));
  }

  public static Resolutions of(List<Domain> domains, BackendResolver resolver) {
    return of(domains, List.of(), resolver);
  }

  /** @param more backends besides the domains' (the TCP ports of LoadBalancer Services) */
  public static Resolutions of(List<Domain> domains, List<BackendRef> more, BackendResolver resolver) {
    Map<BackendRef, Resolution> out = new LinkedHashMap<>();
    for (Domain d : domains) {
      d.paths().forEach(rule -> rule.backendRefs().forEach(ref -> out.computeIfAbsent(ref, resolver::resolve)));
    }
    more.forEach(ref -> out.computeIfAbsent(ref, resolver::resolve));
    return new Resolutions(out);
  }

  /** @throws IllegalArgumentException for a backend that none of the domains named */
  public Resolution get(BackendRef ref) {
    Resolution r = byBackend.get(ref);
    if (r == null) {
      throw new IllegalArgumentException("not resolved: " + ref);
    }
    return r;
  }
}
