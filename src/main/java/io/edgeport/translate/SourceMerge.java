package io.edgeport.translate;

import io.edgeport.model.Domain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The domains served, from every source: the config file's first, then the discovered ones in their order (Ingresses,
 * then Gateway API routes); a host that an earlier source claims is not served again, and each host lost is
 * described.
 *
 * @param domains   what is served
 * @param conflicts each host lost, which source asked for it and which one has it
 */
public record SourceMerge(List<Domain> domains, List<String> conflicts) {
  public SourceMerge {
    domains = List.copyOf(domains);
    conflicts = List.copyOf(conflicts);
  }

  public static SourceMerge of(List<Domain> configured, List<Domain> discovered) {
    if (discovered.isEmpty()) {
      return new SourceMerge(configured, List.of());
    }
    List<Domain> all = new ArrayList<>(configured);
    List<String> lost = new ArrayList<>();
    Map<String, Domain> taken = new HashMap<>();
    configured.forEach(d -> taken.put(d.host(), d));
    for (Domain d : discovered) {
      Domain winner = taken.putIfAbsent(d.host(), d);
      if (winner == null) {
        all.add(d);
      } else {
        lost.add(d.host() + ": " + d.origin() + " is not served; " + (configured.contains(winner)
            ? "the config file (" + winner.origin() + ")" : winner.origin()) + " has it");
      }
    }
    return new SourceMerge(all, lost);
  }
}
