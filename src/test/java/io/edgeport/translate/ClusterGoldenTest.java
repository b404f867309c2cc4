package io.edgeport.translate;

import io.edgeport.support.Golden;
import io.edgeport.support.KubeObjects;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Nodes, Services and Ingresses → the cluster's state, on the golden cases in {@code golden/cluster}. */
class ClusterGoldenTest {
  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("cluster", in -> {
      KubeObjects objects = KubeObjects.read(in);
      return KubernetesTranslator.assemble(objects.of(Node.class), objects.of(Service.class),
          objects.of(Ingress.class), Map.of(), KubernetesTranslatorTest.DEFAULTS, note -> { });
    });
  }
}
