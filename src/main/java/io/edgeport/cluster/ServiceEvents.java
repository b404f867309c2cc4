package io.edgeport.cluster;

/** Reports a Warning Event on a Service ({@code namespace/name}): a port edgeport cannot listen on, or refuses. */
@FunctionalInterface
public interface ServiceEvents {
  void report(String service, String reason, String message);
}
