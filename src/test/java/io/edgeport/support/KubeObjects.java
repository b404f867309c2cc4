package io.edgeport.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Kubernetes API objects read from a YAML file of several documents, as the informers' caches would hold them. */
public final class KubeObjects {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private final List<HasMetadata> all;

  private KubeObjects(List<HasMetadata> all) {
    this.all = List.copyOf(all);
  }

  /** Every document of {@code file} that is an API object (has {@code kind}); others are left to the caller. */
  public static KubeObjects read(Path file) throws IOException {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : Golden.documents(file)) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        out.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
      }
    }
    return new KubeObjects(out);
  }

  /** The objects of one kind, in the file's order. */
  public <T extends HasMetadata> List<T> of(Class<T> kind) {
    return all.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
