package io.edgeport.translate.gatewayapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgeport.support.Golden;
import io.edgeport.support.KubeObjects;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.EdgeListeners;
import io.edgeport.translate.SecretsRead;
import io.edgeport.translate.ServiceTranslator;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Gateway API objects → {@link GatewayApiTranslator.Result} (domains, certificates, ACME requests, Secrets to read,
 * notes, and the statuses as typed conditions), on the golden cases in {@code golden/gatewayapi}.
 *
 * <p>A case's {@code NAME.in.yaml} holds the API objects as the informers would: GatewayClasses, Gateways,
 * HTTPRoutes, GRPCRoutes, ReferenceGrants ({@code v1} or {@code v1beta1}, which the source makes v1 objects),
 * BackendLBPolicies ({@code v1alpha2}, untyped), Namespaces, Services (their names, and their ports' appProtocol
 * where a case gives ports) and Secrets (those the translation names that the case does not hold do not exist). The
 * translator's parameters come from a document without {@code kind} (the first, by habit), every key optional:
 * <pre>
 * gatewayClass: edgeport     # kubernetes.gatewayClass (default edgeport)
 * httpPort: 80               # edgeport's bound HTTP port (default 80)
 * httpsPort: 443             # its bound HTTPS port, 0 for none (default 443)
 * h2c: false                 # listen.h2c: the HTTP listener takes HTTP/2 with prior knowledge (default false)
 * publishAddress: 192.0.2.1  # kubernetes.publishAddress (default none)
 * </pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayApiGoldenTest {
  /** The optional kinds a case's cluster serves: all of them. */
  static final Set<String> FOLLOWED = Set.of("GRPCRoute", "ReferenceGrant", "BackendLBPolicy");

  /** Strict: a misspelt parameter fails the case. */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The translator's parameters, as a case gives them. */
  record Parameters(String gatewayClass, Integer httpPort, Integer httpsPort, Boolean h2c, String publishAddress) {
    static final Parameters DEFAULT = new Parameters("edgeport", 80, 443, false, null);

    Parameters or(Parameters d) {
      return new Parameters(gatewayClass != null ? gatewayClass : d.gatewayClass,
          httpPort != null ? httpPort : d.httpPort, httpsPort != null ? httpsPort : d.httpsPort,
          h2c != null ? h2c : d.h2c, publishAddress != null ? publishAddress : d.publishAddress);
    }
  }

  /** The case's parameters (its document without {@code kind}), the defaults for those it does not give. */
  private static Parameters parameters(Path in) throws Exception {
    Parameters p = Parameters.DEFAULT;
    for (String doc : Golden.documents(in)) {
      boolean onlyComments = doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"));
      if (!onlyComments && doc.lines().noneMatch(l -> l.startsWith("kind:"))) {
        Parameters given = YAML.readValue(doc, Parameters.class);
        p = given == null ? p : given.or(p);
      }
    }
    return p;
  }

  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("gatewayapi", GatewayApiGoldenTest::translate);
  }

  /**
   * A Secret not read yet (the Gateway is new), or whose read failed (no RBAC access), may exist: an opted-in
   * Gateway's listener that names it asks no ACME certificate; its ref is unresolved, as on any Gateway.
   */
  @Test
  void secretNotKnownToBeMissingAsksForNothing() throws Exception {
    Path in = Path.of("src/test/resources/golden/gatewayapi/acme-listener-missing-ref.in.yaml");
    Result r = translate(KubeObjects.read(in), SecretsRead.NONE, parameters(in));
    assertEquals(List.of(), r.acmeRequests());
    ObjectStatus.Listener https = r.gatewayStatus().get("default/edge").listeners().get(1);
    assertEquals(new Condition(Condition.Type.ResolvedRefs, false, Condition.Reason.InvalidCertificateRef,
        "secret default/shop-tls cannot be read"), https.conditions().get(2));
    assertEquals(List.of(), r.domains()); // not Programmed: its route does not attach
  }

  static Result translate(Path in) throws Exception {
    Parameters p = parameters(in);
    KubeObjects objects = KubeObjects.read(in);
    Map<String, Secret> found = new LinkedHashMap<>();
    objects.of(Secret.class).forEach(s -> found.put(GatewayApiObjects.key(s), s));
    // as the source does: the Secrets the translation names are read (the case's are found, the others do not
    // exist), then it translates again
    Result named = translate(objects, new SecretsRead(found, Set.of()), p);
    Set<String> missing = new TreeSet<>(named.secrets());
    missing.removeAll(found.keySet());
    return translate(objects, new SecretsRead(found, missing), p);
  }

  static Result translate(KubeObjects objects, SecretsRead secrets, Parameters p) {
    List<ReferenceGrant> grants = new ArrayList<>(objects.of(ReferenceGrant.class));
    objects.of(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class).forEach(g -> grants.add(
        new ReferenceGrant("gateway.networking.k8s.io/v1", "ReferenceGrant", g.getMetadata(), g.getSpec())));
    Inputs inputs = new Inputs(objects.of(GatewayClass.class), objects.of(Gateway.class), objects.of(HTTPRoute.class),
        objects.of(GRPCRoute.class), grants, objects.of(GenericKubernetesResource.class).stream()
            .filter(r -> r.getKind().equals("BackendLBPolicy")).toList(),
        objects.of(Namespace.class), ServiceTranslator.translate(objects.of(Service.class).stream()
            .map(s -> s.getSpec() != null ? s : new ServiceBuilder(s).withNewSpec().endSpec().build()).toList(), List.of()),
        secrets, FOLLOWED);
    return GatewayApiTranslator.build(inputs, p.gatewayClass(), new EdgeListeners(p.httpPort(), p.httpsPort(), p.h2c()),
        p.publishAddress());
  }
}
