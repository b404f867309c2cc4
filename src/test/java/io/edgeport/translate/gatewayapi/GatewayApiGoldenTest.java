package io.edgeport.translate.gatewayapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgeport.support.Golden;
import io.edgeport.support.KubeObjects;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.EdgeListeners;
import io.edgeport.translate.gatewayapi.GatewayApiTranslator.Inputs;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Gateway API objects → {@link GatewayApiTranslator.Result} (domains, certificates, Secrets to read, notes, and the
 * statuses as typed conditions), on the golden cases in {@code golden/gatewayapi}.
 *
 * <p>A case's {@code NAME.in.yaml} holds the API objects as the informers would: GatewayClasses, Gateways,
 * HTTPRoutes, ReferenceGrants ({@code v1beta1}), Namespaces, Services (only their names count) and Secrets. The
 * translator's parameters come from a document without {@code kind} (the first, by habit), every key optional:
 * <pre>
 * gatewayClass: edgeport     # kubernetes.gatewayClass (default edgeport)
 * httpPort: 80               # edgeport's bound HTTP port (default 80)
 * httpsPort: 443             # its bound HTTPS port, 0 for none (default 443)
 * publishAddress: 192.0.2.1  # kubernetes.publishAddress (default none)
 * </pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayApiGoldenTest {
  /** Strict: a misspelt parameter fails the case. */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The translator's parameters, as a case gives them. */
  record Parameters(String gatewayClass, Integer httpPort, Integer httpsPort, String publishAddress) {
    static final Parameters DEFAULT = new Parameters("edgeport", 80, 443, null);

    Parameters or(Parameters d) {
      return new Parameters(gatewayClass != null ? gatewayClass : d.gatewayClass,
          httpPort != null ? httpPort : d.httpPort, httpsPort != null ? httpsPort : d.httpsPort,
          publishAddress != null ? publishAddress : d.publishAddress);
    }
  }

  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("gatewayapi", GatewayApiGoldenTest::translate);
  }

  static GatewayApiTranslator.Result translate(Path in) throws Exception {
    Parameters p = Parameters.DEFAULT;
    for (String doc : Golden.documents(in)) {
      boolean onlyComments = doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"));
      if (!onlyComments && doc.lines().noneMatch(l -> l.startsWith("kind:"))) {
        Parameters given = YAML.readValue(doc, Parameters.class);
        p = given == null ? p : given.or(p);
      }
    }
    KubeObjects objects = KubeObjects.read(in);
    Set<String> services = objects.of(Service.class).stream().map(GatewayApiObjects::key).collect(Collectors.toSet());
    Map<String, Secret> secrets = new LinkedHashMap<>();
    objects.of(Secret.class).forEach(s -> secrets.put(GatewayApiObjects.key(s), s));
    Inputs inputs = new Inputs(objects.of(GatewayClass.class), objects.of(Gateway.class), objects.of(HTTPRoute.class),
        objects.of(ReferenceGrant.class), objects.of(Namespace.class), services, secrets);
    return GatewayApiTranslator.build(inputs, p.gatewayClass(), new EdgeListeners(p.httpPort(), p.httpsPort()),
        p.publishAddress());
  }
}
