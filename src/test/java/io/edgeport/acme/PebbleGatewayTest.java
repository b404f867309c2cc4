package io.edgeport.acme;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Pebble;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * An edgeport that gets the certificate of its one host, {@value #HOST}, from a real pebble: the ports, the config
 * and the checks the renewal and fault tests share.
 */
abstract class PebbleGatewayTest extends LiveNodesTest {
  static final String HOST = "a.test";

  int httpPort;
  int httpsPort;
  Pebble pebble;
  private TrustManager[] pebbleRoot;

  /** What one request over HTTPS got: the status and the leaf it was served with. */
  record Served(int status, X509Certificate leaf) {}

  @BeforeEach
  void ports() throws Exception {
    httpPort = Configs.freePort();
    httpsPort = Configs.freePort();
  }

  @AfterEach
  void stopPebble() throws Exception {
    if (pebble != null) {
      pebble.close();
    }
  }

  /** Pebble validating at edgeport's listeners unless {@code options} says otherwise. */
  void startPebble(Pebble.Options options) throws Exception {
    pebble = Pebble.start(options.httpPort() == 0 ? options.httpPort(httpPort).tlsPort(httpsPort) : options, dir);
    KeyStore root = KeyStore.getInstance(KeyStore.getDefaultType());
    root.load(null, null);
    root.setCertificateEntry("pebble", CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(pebble.rootPem().getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(root);
    pebbleRoot = trust.getTrustManagers();
  }

  /** @param acme more lines of the {@code acme:} section, one key each */
  String config(String acme) {
    return """
        listen:
          http: "127.0.0.1:%d"
          https: "127.0.0.1:%d"
        %s%s
        domains:
          - host: %s
            nodePort: %d
        """.formatted(httpPort, httpsPort, pebble.acmeSection(("storage: " + dir.resolve("acme") + "\n" + acme)
        .strip().split("\n")), Configs.nodes(nodes), HOST, nodes.port());
  }

  /** The host as the manager reports it to status. */
  AcmeManager.HostView view() {
    return gateway.acme().views().stream().filter(v -> v.host().equals(HOST)).findFirst()
        .orElseThrow(() -> new AssertionError(HOST + " not in " + gateway.acme().views()));
  }

  /**
   * One GET over a new HTTPS connection (a full handshake) that verifies the served chain against pebble's root and
   * the name against {@value #HOST}, as a browser would; throws when the handshake or the request fails.
   */
  Served get() throws Exception {
    // a context of its own: a session resumed from an earlier one would report that one's certificate
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, pebbleRoot, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpsPort), 5000);
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(HOST)));
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      RawHttp http = RawHttp.over(socket);
      return new Served(http.send("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close", null).read(false)
          .status(), leaf);
    }
  }

  /** Waits (bounded) until {@value #HOST} is served with a certificate from pebble, and returns that one. */
  X509Certificate awaitCertificate(long seconds) {
    X509Certificate[] leaf = new X509Certificate[1];
    Poll.until(() -> {
      try {
        Served s = get();
        leaf[0] = s.leaf();
        return s.status() == 200;
      } catch (Exception e) {
        return false; // the placeholder, which pebble's root does not verify
      }
    }, seconds, HOST + " served with a certificate from pebble; " + pebble.log());
    return leaf[0];
  }
}
