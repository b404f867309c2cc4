package io.edgeport.translate;

import io.edgeport.support.Golden;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Services → what routing uses of them, on the golden cases in {@code golden/services}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceTranslatorTest {
  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("services", in -> {
      KubeCase c = KubeCase.read(in);
      return ServiceTranslator.translate(c.objects().of(Service.class),
          c.config().loadBalancer() == null ? List.of() : c.config().loadBalancer().addresses());
    });
  }
}
