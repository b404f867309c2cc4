package io.edgeport.translate;

import io.edgeport.support.Golden;
import io.fabric8.kubernetes.api.model.Node;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Nodes → the addresses that take traffic and why the others take none, on the golden cases in {@code golden/nodes}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeTranslatorTest {
  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("nodes", in -> {
      KubeCase c = KubeCase.read(in);
      return NodeTranslator.translate(c.objects().of(Node.class), c.config());
    });
  }
}
