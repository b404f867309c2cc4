package io.edgeport.translate;

import io.edgeport.model.ClusterState;
import io.edgeport.support.Golden;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Nodes, Services and Ingresses → the cluster's state and the notes logged, on the golden cases in {@code golden/cluster}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterGoldenTest {
  record Translated(ClusterState cluster, List<String> notes) {}

  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("cluster", in -> {
      KubeCase c = KubeCase.read(in);
      List<String> notes = new ArrayList<>();
      ClusterState state = KubernetesTranslator.assemble(c.objects().of(Node.class), c.objects().of(Service.class),
          c.objects().of(Ingress.class), c.secrets(), c.config(), notes::add);
      return new Translated(state, notes);
    });
  }
}
