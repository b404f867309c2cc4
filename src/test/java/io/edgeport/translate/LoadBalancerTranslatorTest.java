package io.edgeport.translate;

import io.edgeport.support.Golden;
import io.fabric8.kubernetes.api.model.Service;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Services of type LoadBalancer → the layer-4 routes of their ports, on the golden cases in {@code golden/loadbalancer}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadBalancerTranslatorTest {
  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("loadbalancer", in -> {
      KubeCase c = KubeCase.read(in);
      return LoadBalancerTranslator.of(ServiceTranslator.translate(c.objects().of(Service.class),
          c.config().loadBalancer().addresses()), c.config().loadBalancer());
    });
  }
}
