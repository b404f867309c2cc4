package io.edgeport.translate;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Set;

/**
 * The Secrets that Ingresses and HTTPS Gateway listeners name, as the source last read them, by "namespace/name". A
 * name neither found nor missing is not read yet, or its read failed (no RBAC access, the API unreachable): its Secret
 * may well exist, so no ACME certificate is asked for it.
 *
 * @param found   the Secrets read
 * @param missing the names the API said do not exist
 */
public record SecretsRead(Map<String, Secret> found, Set<String> missing) {
  public static final SecretsRead NONE = new SecretsRead(Map.of(), Set.of());

  public SecretsRead {
    found = Map.copyOf(found);
    missing = Set.copyOf(missing);
  }
}
