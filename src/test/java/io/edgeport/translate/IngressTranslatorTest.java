package io.edgeport.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.model.AcmeRequest;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.model.Domain;
import io.edgeport.support.Golden;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Ingresses → domains, certificates, ACME requests, the Secrets to read and the notes on what is not served, on the
 * golden cases in {@code golden/ingress}; the case's Secrets are the ones that could be read, the others it names do
 * not exist.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngressTranslatorTest {
  /** What the translator gives for a case, in the order it is asked: the notes are part of it. */
  record Translated(List<String> served, Set<String> secretsToRead, List<Domain> domains,
      List<DiscoveredCertificate> certificates, List<AcmeRequest> acmeRequests, List<String> notes) {}

  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("ingress", in -> {
      KubeCase c = KubeCase.read(in);
      List<Ingress> served = IngressTranslator.served(c.objects().of(Ingress.class), c.config().ingressClass());
      List<String> notes = new ArrayList<>();
      List<Domain> domains = IngressTranslator.domains(served, notes::add);
      IngressTranslator.Tls tls = IngressTranslator.tls(served, c.secrets(), notes::add);
      return new Translated(served.stream().map(i -> i.getMetadata().getNamespace() + "/" + i.getMetadata().getName())
          .toList(), IngressTranslator.tlsSecrets(served), domains, tls.certificates(), tls.acmeRequests(), notes);
    });
  }

  /**
   * A Secret not read yet (the Ingress is new), or whose read failed (no RBAC access), may exist: an opted-in Ingress
   * asks no ACME certificate for it, only for its entry that names no Secret.
   */
  @Test
  void secretNotKnownToBeMissingAsksForNothing() throws Exception {
    KubeCase c = KubeCase.read(Path.of("src/test/resources/golden/ingress/acme-secret-missing.in.yaml"));
    List<String> notes = new ArrayList<>();
    IngressTranslator.Tls tls = IngressTranslator.tls(IngressTranslator.served(c.objects().of(Ingress.class),
        "edgeport"), SecretsRead.NONE, notes::add);
    assertEquals(List.of(new AcmeRequest("shop.example.com", "ingress shop/shop"),
        new AcmeRequest("www.shop.example.com", "ingress shop/shop")), tls.acmeRequests());
    assertEquals(List.of("ingress shop/shop: secret shop/shop-tls cannot be read (missing, or no RBAC access); its"
        + " hosts are not served over HTTPS", "ingress blog/blog: secret blog/blog-tls cannot be read (missing, or no"
        + " RBAC access); its hosts are not served over HTTPS"), notes);
  }
}
