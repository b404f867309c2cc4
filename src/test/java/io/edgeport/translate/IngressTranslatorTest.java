package io.edgeport.translate;

import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.support.Golden;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Ingresses → domains, certificates, the Secrets to read and the notes on what is not served, on the golden cases
 * in {@code golden/ingress}; the case's Secrets are the ones that could be read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngressTranslatorTest {
  /** What the translator gives for a case, in the order it is asked: the notes are part of it. */
  record Translated(List<String> served, Set<String> secretsToRead, List<Domain> domains,
      List<DiscoveredCertificate> certificates, List<String> notes) {}

  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("ingress", in -> {
      KubeCase c = KubeCase.read(in);
      List<Ingress> served = IngressTranslator.served(c.objects().of(Ingress.class), c.config().ingressClass());
      List<String> notes = new ArrayList<>();
      return new Translated(served.stream().map(i -> i.getMetadata().getNamespace() + "/" + i.getMetadata().getName())
          .toList(), IngressTranslator.tlsSecrets(served), IngressTranslator.domains(served, notes::add),
          IngressTranslator.certificates(served, c.secrets(), notes::add), notes);
    });
  }
}
