package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.JavaProcess;
import io.edgeport.support.MockApiTest;
import io.edgeport.support.Pebble;
import io.edgeport.support.Poll;
import io.edgeport.support.TlsProbe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.vertx.core.Promise;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two edgeport processes on one API server, certificates from a real ACME server for the hosts of an Ingress that
 * opted in: only the Lease holder orders (one order per host), the CA's validation reaching the other replica is
 * answered there too, both serve the certificate kept in the Secret, and when the holder is killed in the middle of a
 * renewal the other finishes that order instead of placing a second one.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AcmeReplicasTest extends MockApiTest {
  private static final int LEASE_SECONDS = 3;
  /** Short-lived certificates: the renewal comes inside the window pebble suggests (ARI), well before expiry. */
  private static final Duration VALIDITY = Duration.ofSeconds(90);
  private static final List<String> HOSTS = List.of("a.test", "b.test");
  private Pebble pebble;
  private Path root;
  private JavaProcess a;
  private JavaProcess b;

  @AfterEach
  void stopAll() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b, pebble}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** A replica with its HTTP and HTTPS ports: the config has no publishAddress, only ACME asks for the Lease. */
  private record Replica(JavaProcess process, int http, int https) {}

  private Replica replica(String name) throws Exception {
    int http = Configs.freePort();
    int https = Configs.freePort();
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        listen:
          http: "127.0.0.1:%d"
          https: "127.0.0.1:%d"
        kubernetes:
          kubeconfig: %s
          kubeProxyHealthPort: %d
          ingressClass: edgeport
          leaderElection: {namespace: default, leaseDuration: %ds}
        %s""".formatted(http, https, kubeconfig(), kubeProxy.port(), LEASE_SECONDS,
        pebble.acmeSection("challenges: [http-01]", "retryBackoff: 1s")));
    return new Replica(JavaProcess.start(dir, "run", "--config", file.toString()), http, https);
  }

  /**
   * Where pebble validates HTTP-01: forwards each connection to one replica's HTTP port; while holding, keeps the
   * connections (pebble validates from several perspectives: a few per challenge) until they are let go.
   */
  private final class Gate {
    final AtomicInteger target = new AtomicInteger();
    final AtomicInteger forwarded = new AtomicInteger();
    final Promise<Void> holdingOne = Promise.promise();
    final NetClient client = vertx.createNetClient();
    private final List<NetSocket> held = new ArrayList<>();
    private boolean holding;
    final NetServer server = vertx.createNetServer().connectHandler(in -> {
      in.pause();
      synchronized (this) {
        if (holding) {
          held.add(in);
          holdingOne.tryComplete();
          return;
        }
      }
      forward(in);
    });

    synchronized void hold() {
      holding = true;
    }

    void letGo() {
      List<NetSocket> go;
      synchronized (this) {
        holding = false;
        go = List.copyOf(held);
        held.clear();
      }
      go.forEach(this::forward);
    }

    private void forward(NetSocket in) {
      forwarded.incrementAndGet();
      client.connect(target.get(), "127.0.0.1").onSuccess(out -> {
        in.pipeTo(out);
        out.pipeTo(in);
      }).onFailure(e -> in.close());
    }
  }

  /** The leaf {@code port} serves for {@code host} (trusting anything: which one is the question). */
  private static BigInteger served(int port, String host) {
    try {
      return TlsProbe.handshake(port, host, null).leaf().getSerialNumber();
    } catch (Exception e) {
      return null;
    }
  }

  /** Served for {@code host} on {@code port} with a certificate that verifies against pebble's root. */
  private boolean verified(int port, String host) {
    try {
      return Curl.run("--cacert", root.toString(), "--resolve", host + ":" + port + ":127.0.0.1",
          "https://" + host + ":" + port + "/").writeOut().startsWith("200");
    } catch (Exception e) {
      return false;
    }
  }

  private BigInteger stored(String host) throws Exception {
    Secret s = kube.secrets().inNamespace("default").withName("edgeport-acme-" + host).get();
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(Base64.getDecoder().decode(s.getData().get("tls.crt"))));
    return leaf.getSerialNumber();
  }

  /** Orders placed at pebble (each new-order request it answered with a new order). */
  private long ordersPlaced() {
    return pebble.log().lines().filter(l -> l.contains("POST /order-plz")).count();
  }

  @Test
  void theHolderOrdersBothServeTheSecretAndAHandoverMidRenewalFinishesTheSameOrder() throws Exception {
    Gate gate = new Gate();
    int gatePort = gate.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    pebble = Pebble.start(Pebble.options().httpPort(gatePort).tlsPort(Configs.freePort())
        .certificateValidity(VALIDITY), dir);
    root = dir.resolve("pebble-root.pem");
    Files.writeString(root, pebble.rootPem());
    createNodes(3);
    kube.services().resource(nodePortService("web", nodes.port())).create();

    Replica holder = replica("a");
    a = holder.process();
    a.awaitLine("holds lease default/edgeport-status", 40);
    Replica other = replica("b");
    b = other.process();
    b.awaitLine("edgeport listening", 40);
    gate.target.set(other.http()); // the CA's validation reaches the replica that does not order

    IngressBuilder ingress = new IngressBuilder().withNewMetadata().withName("web").withNamespace("default")
        .addToAnnotations("edgeport.io/acme", "true").endMetadata().withNewSpec().withIngressClassName("edgeport")
        .addNewTl().withHosts(HOSTS).withSecretName("web-tls").endTl().endSpec();
    for (String host : HOSTS) {
      ingress.editSpec().addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
          .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
          .endBackend().endPath().endHttp().endRule().endSpec();
    }
    kube.network().v1().ingresses().resource(ingress.build()).create();

    pebble.awaitIssued(2, Duration.ofSeconds(90));
    // the renewals come some time after (when the CA's renewal window says): their validations are held
    gate.hold();
    assertEquals(2, pebble.issuedCount(), "one certificate per host: " + pebble.log());
    assertEquals(2, ordersPlaced(), pebble.log());
    assertTrue(gate.forwarded.get() >= 2, "the validations went to the other replica, which answered them");
    for (String host : HOSTS) {
      for (Replica r : List.of(holder, other)) {
        Poll.until(() -> verified(r.https(), host), 30, host + " served with pebble's certificate on " + r.https()
            + "; pebble: " + pebble.log() + "\nA: " + a.output() + "\nB: " + b.output());
      }
    }
    assertTrue(b.output().stream().noneMatch(l -> l.contains("ordering a certificate")), "only the holder orders");
    BigInteger[] first = new BigInteger[HOSTS.size()];
    for (int i = 0; i < HOSTS.size(); i++) {
      String host = HOSTS.get(i);
      first[i] = stored(host);
      assertEquals(first[i], served(holder.https(), host), host + ": the holder serves the Secret's certificate");
      assertEquals(first[i], served(other.https(), host), host + ": the other replica serves it too");
      assertEquals("kubernetes.io/tls", kube.secrets().inNamespace("default").withName("edgeport-acme-" + host).get()
          .getType());
    }

    // the renewal: the holder orders, its validation is held, and it dies (no Lease released) before it is done
    gate.holdingOne.future().await(VALIDITY.toSeconds() + 30, TimeUnit.SECONDS);
    a.kill();
    a = null;
    assertEquals(2, pebble.issuedCount(), "the renewal was held: " + pebble.log());
    gate.letGo(); // the other replica answers: it has the answer from the Secret

    b.awaitLine("holds lease default/edgeport-status", LEASE_SECONDS + 20);
    for (int i = 0; i < HOSTS.size(); i++) {
      String host = HOSTS.get(i);
      BigInteger before = first[i];
      Poll.until(() -> {
        BigInteger now = served(other.https(), host);
        return now != null && !now.equals(before) && verified(other.https(), host);
      }, 90, host + " renewed by the new holder; pebble: " + pebble.log() + "\nB: " + b.output());
      assertNotEquals(before, stored(host));
      assertEquals(stored(host), served(other.https(), host));
    }
    assertTrue(b.output().stream().anyMatch(l -> l.contains("resuming the order")),
        "the new holder finished the order the old one placed: " + b.output());
    assertEquals(4, pebble.issuedCount(), "one renewal per host, none twice: " + pebble.log());
    assertEquals(4, ordersPlaced(), "the order under way was finished, not placed again: " + pebble.log());
  }
}
