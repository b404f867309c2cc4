package io.edgeport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.support.Command;
import io.edgeport.support.Configs;
import io.edgeport.support.Curl;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestCertificates;
import io.edgeport.support.TestCertificates.KeyFormat;
import io.edgeport.support.TestCertificates.Leaf;
import io.edgeport.support.TlsProbe;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTPS listener with real clients: SNI, HTTP/2 by ALPN, certificate renewal, redirects and HSTS. */
class HttpsEndToEndTest extends LiveNodesTest {
  private TestCertificates ca;
  private Leaf api;
  private Leaf shop;
  private int httpPort;
  private int httpsPort;

  @BeforeEach
  void certificates() throws Exception {
    ca = TestCertificates.create(dir);
    api = ca.issue(KeyFormat.PKCS8_RSA, "api.example.com", "*.apps.example.com");
    shop = ca.issue(KeyFormat.SEC1_EC, "shop.example.com");
    httpPort = Configs.freePort();
    httpsPort = Configs.freePort();
  }

  private String config(String extraDomainLines) {
    return """
        listen:
          http: "127.0.0.1:%d"
          https: "127.0.0.1:%d"
        tls:
          - hosts: ["api.example.com", "*.apps.example.com"]
            cert: %s
            key: %s
          - hosts: ["shop.example.com"]
            cert: %s
            key: %s
        %s
        domains:
          - host: api.example.com
            nodePort: %d
        %s
          - host: "*.apps.example.com"
            nodePort: %d
          - host: shop.example.com
            nodePort: %d
        """.formatted(httpPort, httpsPort, api.cert(), api.key(), shop.cert(), shop.key(), Configs.nodes(nodes),
        nodes.port(), extraDomainLines, nodes.port(), nodes.port());
  }

  private Curl.Result curl(String host, String path, String... options) throws Exception {
    String[] args = new String[options.length + 5];
    System.arraycopy(options, 0, args, 0, options.length);
    args[options.length] = "--cacert";
    args[options.length + 1] = ca.caCert().toString();
    args[options.length + 2] = "--resolve";
    args[options.length + 3] = host + ":" + httpsPort + ":127.0.0.1";
    args[options.length + 4] = "https://" + host + ":" + httpsPort + path;
    return Curl.run(args);
  }

  @Test
  void sniPicksTheCertificateAndCurlGetsAnswersOverHttp11AndHttp2() throws Exception {
    startGateway(config(""), 1);

    // curl verifies the certificate against the name: a wrong pick fails the handshake
    Curl.Result h2 = curl("api.example.com", "/h2?x=1", "--http2");
    assertEquals("200 2", h2.writeOut(), h2.stderr());
    JsonObject echoed = new JsonObject(h2.body());
    assertEquals("/h2?x=1", echoed.getString("uri"));
    assertTrue(echoed.getJsonArray("headers").toString().contains("[\"x-forwarded-proto\",\"https\"]"), h2.body());
    assertTrue(echoed.getJsonArray("headers").toString().contains("[\"x-forwarded-port\",\"" + httpsPort + "\"]"));
    assertTrue(echoed.getJsonArray("headers").toString().contains("[\"host\",\"api.example.com:" + httpsPort + "\"]"),
        "the node gets HTTP/2's :authority as Host: " + h2.body());
    assertFalse(echoed.getJsonArray("headers").toString().contains("transfer-encoding"),
        "a GET without a body stays without one: " + h2.body());

    Curl.Result h1 = curl("shop.example.com", "/h1", "--http1.1");
    assertEquals("200 1.1", h1.writeOut(), h1.stderr());
    Curl.Result wildcard = curl("a.apps.example.com", "/", "--http2");
    assertEquals("200 2", wildcard.writeOut(), wildcard.stderr());

    // POST bodies over HTTP/2 reach the node whole (HTTP/2 needs no Content-Length)
    Path body = dir.resolve("body.bin");
    byte[] bytes = new byte[300_000];
    new java.util.Random(7).nextBytes(bytes);
    Files.write(body, bytes);
    Curl.Result post = curl("api.example.com", "/upload", "--http2", "--data-binary", "@" + body);
    assertEquals("200 2", post.writeOut(), post.stderr());
    assertEquals(RawHttp.hex(RawHttp.sha256().digest(bytes)), new JsonObject(post.body()).getString("bodySha256"));

    // the handshake itself: the right certificate per name; the first for no SNI or an unknown name
    assertTrue(TlsProbe.handshake(httpsPort, "shop.example.com", null).names().contains("shop.example.com"));
    assertTrue(TlsProbe.handshake(httpsPort, "x.apps.example.com", null).names().contains("*.apps.example.com"));
    assertTrue(TlsProbe.handshake(httpsPort, null, null).names().contains("api.example.com"));
    assertTrue(TlsProbe.handshake(httpsPort, "unknown.example.org", null).names().contains("api.example.com"));
    // and an unknown Host over TLS is a 404, as on port 80
    Curl.Result unknown = Curl.run("-k", "-H", "Host: unknown.example.org", "https://127.0.0.1:" + httpsPort + "/");
    assertTrue(unknown.writeOut().startsWith("404 "), unknown.writeOut() + unknown.stderr());

    // TLS 1.2 and 1.3 both work
    assertEquals("TLSv1.2", TlsProbe.handshake(httpsPort, "api.example.com", "TLSv1.2").protocol());
    assertEquals("TLSv1.3", TlsProbe.handshake(httpsPort, "api.example.com", "TLSv1.3").protocol());
  }

  @Test
  void theVertxClientGetsAnswersOverHttp2ByAlpn() throws Exception {
    startGateway(config(""), 1);
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true)
        .setProtocolVersion(HttpVersion.HTTP_2).setTrustOptions(new PemTrustOptions().addCertPath(ca.caCert().toString()))
        .setForceSni(true));
    HttpClientResponse[] response = new HttpClientResponse[1];
    JsonObject echoed = client.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setHost("shop.example.com").setPort(httpsPort).setURI("/vertx")
            .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(httpsPort, "127.0.0.1")))
        .compose(r -> r.send()).compose(r -> {
          response[0] = r;
          return r.body();
        }).await(20, TimeUnit.SECONDS).toJsonObject();
    assertEquals(200, response[0].statusCode());
    assertEquals(HttpVersion.HTTP_2, response[0].version());
    assertEquals("/vertx", echoed.getString("uri"));
  }

  @Test
  void aRenewedCertificateIsServedWithoutRestartAndAMismatchedKeyIsRefused() throws Exception {
    startGateway(config(""), 1);
    BigInteger first = TlsProbe.handshake(httpsPort, "shop.example.com", null).leaf().getSerialNumber();

    // certbot-style renewal: new files moved over the old ones
    Leaf renewed = ca.issue(KeyFormat.PKCS8_EC, "shop.example.com");
    Files.copy(renewed.key(), shop.key(), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(renewed.cert(), shop.cert(), StandardCopyOption.REPLACE_EXISTING);
    BigInteger renewedSerial = renewedSerial(renewed);
    Poll.until(() -> serial("shop.example.com").equals(renewedSerial), 20, "the renewed certificate is served");
    assertNotEquals(first, renewedSerial);

    // a key that is not the certificate's: refused, and the renewed one keeps serving
    long refusedBefore = gateway.status().reloads().refused();
    Leaf other = ca.issue(KeyFormat.PKCS8_EC, "shop.example.com");
    Files.copy(other.key(), shop.key(), StandardCopyOption.REPLACE_EXISTING);
    Poll.until(() -> gateway.status().reloads().refused() > refusedBefore, 20, "the mismatched key is refused");
    assertFalse(gateway.status().lastReload().ok());
    assertTrue(gateway.status().lastReload().error().contains("does not belong to the certificate"),
        gateway.status().lastReload().error());
    assertEquals(renewedSerial, serial("shop.example.com"));
    Curl.Result still = curl("shop.example.com", "/", "--http2");
    assertEquals("200 2", still.writeOut(), still.stderr());
  }

  private static BigInteger renewedSerial(Leaf leaf) throws Exception {
    try (var in = Files.newInputStream(leaf.cert())) {
      return ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in)).getSerialNumber();
    }
  }

  private BigInteger serial(String name) {
    try {
      return TlsProbe.handshake(httpsPort, name, null).leaf().getSerialNumber();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void httpRedirectsToHttpsKeepingPathAndQueryAndHttpsAnswersCarryHsts() throws Exception {
    startGateway(config("""
            redirectHttps: true
            hsts: 365d
        """), 1);
    RawHttp.Response redirect = RawHttp.get(httpPort, "api.example.com", "/a/b%20c?x=1&y=2");
    assertEquals(308, redirect.status());
    assertEquals("https://api.example.com:" + httpsPort + "/a/b%20c?x=1&y=2", redirect.header("location"));
    RawHttp.Response other = RawHttp.get(httpPort, "shop.example.com", "/plain");
    assertEquals(200, other.status(), "a domain without redirectHttps is served over plain HTTP");

    Curl.Result secure = curl("api.example.com", "/a", "--http2", "-D", dir.resolve("headers.txt").toString());
    assertEquals("200 2", secure.writeOut(), secure.stderr());
    assertTrue(Files.readString(dir.resolve("headers.txt")).contains("strict-transport-security: max-age=31536000"),
        Files.readString(dir.resolve("headers.txt")));
  }

  @Test
  void statusAndMetricsShowEachCertificateWithItsExpiry() throws Exception {
    int adminPort = Configs.freePort();
    startGateway(config("") + "admin: \"127.0.0.1:" + adminPort + "\"\n", 1,
        new io.edgeport.admin.AdminServer(vertx, "test"));
    Curl.Result status = Curl.run("http://127.0.0.1:" + adminPort + "/api/status");
    io.vertx.core.json.JsonArray certs = new JsonObject(status.body()).getJsonArray("certificates");
    assertEquals(2, certs.size(), status.body());
    assertEquals("[\"shop.example.com\"]", certs.getJsonObject(1).getJsonArray("hosts").encode());
    assertEquals(1L, certs.getJsonObject(1).getLong("daysLeft"), "two days of validity, minus the moment since");
    Curl.Result metrics = Curl.run("http://127.0.0.1:" + adminPort + "/metrics");
    double expiry = io.edgeport.support.PrometheusText.sum(io.edgeport.support.PrometheusText.parse(metrics.body()),
        "edgeport_certificate_expiry_timestamp_seconds", java.util.Map.of("host", "shop.example.com"));
    double inDays = (expiry - System.currentTimeMillis() / 1000.0) / 86400;
    assertTrue(inDays > 1.9 && inDays <= 2.0, "expires in " + inDays + " days");
  }

  @Test
  void tlsSessionsAreResumedWithTls12AndTls13() throws Exception {
    startGateway(config(""), 1);
    for (String version : new String[] {"-tls1_2", "-tls1_3"}) {
      Path session = dir.resolve("session" + version);
      assertTrue(sClient(version, "-sess_out", session).contains("New, TLSv1."), version);
      assertTrue(sClient(version, "-sess_in", session).contains("Reused, TLSv1."), version + " resumes");
    }
  }

  /** One connection with openssl s_client sending a request (so a TLS 1.3 ticket arrives before it quits). */
  private String sClient(String version, String sessionOption, Path session) throws Exception {
    // -ign_eof: it quits when the gateway closes the connection (Connection: close), not at the end of its input
    String out = Command.run(dir, "GET / HTTP/1.1\r\nHost: api.example.com\r\nConnection: close\r\n\r\n", 20,
        List.of("openssl", "s_client", version, "-connect", "127.0.0.1:" + httpsPort, "-servername",
            "api.example.com", sessionOption, session.toString(), "-ign_eof")).output();
    assertTrue(out.contains("HTTP/1.1 200 OK"), out);
    return out;
  }

  @Test
  void aHostServedByAnotherCertificateThanTheSnisGets421OverHttp11AndHttp2() throws Exception {
    startGateway(config(""), 1);
    for (String version : new String[] {"--http1.1", "--http2"}) {
      // SNI api.example.com, verified for it, then a request for shop.example.com: another certificate serves it
      Curl.Result fronted = curl("api.example.com", "/", version, "-H", "Host: shop.example.com");
      assertEquals("421 " + (version.equals("--http2") ? "2" : "1.1"), fronted.writeOut(), fronted.stderr());
      assertTrue(fronted.body().startsWith("421 Misdirected Request"), "the gateway's own answer: " + fronted.body());
      // a name the same certificate covers may share the connection (as HTTP/2 coalescing does)
      Curl.Result covered = curl("api.example.com", "/", version, "-H", "Host: a.apps.example.com");
      assertTrue(covered.writeOut().startsWith("200 "), covered.writeOut() + covered.stderr());
      Curl.Result own = curl("shop.example.com", "/", version, "-H", "Host: SHOP.example.com.");
      assertTrue(own.writeOut().startsWith("200 "), own.writeOut() + own.stderr());
    }
    // an unknown SNI name gets the default certificate: a host with its own is not served on it
    Curl.Result unknownSni = Curl.run("-k", "--http2", "--resolve", "unknown.example.org:" + httpsPort + ":127.0.0.1",
        "-H", "Host: shop.example.com", "https://unknown.example.org:" + httpsPort + "/");
    assertTrue(unknownSni.writeOut().startsWith("421 "), unknownSni.writeOut() + unknownSni.stderr());
    // without SNI (an IP literal) the Host routes as on port 80
    Curl.Result noSni = Curl.run("-k", "-H", "Host: shop.example.com", "https://127.0.0.1:" + httpsPort + "/");
    assertTrue(noSni.writeOut().startsWith("200 "), noSni.writeOut() + noSni.stderr());
  }

  @Test
  void eachRequestOfAConnectionIsCheckedAgainstItsSni() throws Exception {
    startGateway(config(""), 1);
    // one keep-alive connection, SNI api.example.com: the verdict follows each request's Host, not the first one's
    try (RawHttp connection = RawHttp.over(TlsProbe.connect(httpsPort, "api.example.com", null))) {
      for (String[] hostAndStatus : new String[][] {{"api.example.com", "200"}, {"shop.example.com", "421"},
          {"a.apps.example.com", "200"}, {"shop.example.com", "421"}, {"SHOP.example.com.", "421"},
          {"api.example.com", "200"}}) {
        RawHttp.Response r = connection.send("GET / HTTP/1.1\r\nHost: " + hostAndStatus[0], null).read(false);
        assertEquals(Integer.parseInt(hostAndStatus[1]), r.status(), hostAndStatus[0]);
      }
    }
  }

  @Test
  void theHttpsListenerCountsEachConnectionAsItOpensAgainstItsLimits() throws Exception {
    startGateway(config("").replace("domains:", "limits: {maxConnectionsPerIp: 1}\ndomains:"), 1);
    try (javax.net.ssl.SSLSocket held = TlsProbe.connect(httpsPort, "api.example.com", null)) {
      // the first holds its slot with no request sent; a second from the same address is closed at once
      Poll.until(() -> gateway.traffic().totals().openConnections() >= 1, 10, "the held connection counted");
      assertEquals(1, gateway.traffic().totals().openConnections());
      assertThrows(Exception.class, () -> {
        try (javax.net.ssl.SSLSocket second = TlsProbe.connect(httpsPort, "api.example.com", null)) {
          RawHttp.Response r = RawHttp.over(second).send("GET / HTTP/1.1\r\nHost: api.example.com", null).read(false);
          throw new AssertionError("a second connection was served: " + r.status()); // not an Exception subtype
        }
      });
    }
  }

  @Test
  void anHttp2ConnectionOverTlsIsCountedAsItOpensAndItsFirstSettingsHaveTheHeaderTimeout() throws Exception {
    startGateway(config("").replace("domains:", "limits: {maxConnectionsPerIp: 1, headerTimeout: 1s}\ndomains:"), 1);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
      public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
      public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
    }}, null);
    try (javax.net.ssl.SSLSocket h2 = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", httpsPort)) {
      javax.net.ssl.SSLParameters p = h2.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      p.setServerNames(List.of(new javax.net.ssl.SNIHostName("api.example.com")));
      h2.setSSLParameters(p);
      h2.startHandshake();
      assertEquals("h2", h2.getApplicationProtocol());
      Poll.until(() -> gateway.traffic().totals().openConnections() >= 1, 10, "counted before its preface");
      // the preface and a SETTINGS frame that trickles in: cut at the header timeout, not held by each byte
      java.io.OutputStream out = h2.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(new byte[] {0x00, 0x3f, (byte) 0xfc, 0x04, 0, 0, 0, 0, 0});
      out.flush();
      long started = System.nanoTime();
      boolean closed = false;
      try {
        for (int i = 0; i < 75 && !closed; i++) { // 15 s at most
          out.write(0);
          out.flush();
          h2.setSoTimeout(200);
          try {
            closed = h2.getInputStream().read() < 0;
          } catch (java.net.SocketTimeoutException stillOpen) {
            // the pace: a byte every 200 ms
          }
        }
      } catch (java.io.IOException reset) {
        closed = true;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(closed && millis < 8000, "closed within the header timeout's bound: " + closed + " after " + millis);
    }
  }

  @Test
  void aTls12ClientCannotRenegotiate() throws Exception {
    startGateway(config(""), 1);
    // s_client reads its input only once the handshake is done; "R" alone on a line asks for a renegotiation.
    // Refused, the server ends the connection with an alert and s_client exits; granted, it would wait for more.
    Path output = dir.resolve("s_client.out");
    Process p = new ProcessBuilder("openssl", "s_client", "-tls1_2", "-connect", "127.0.0.1:" + httpsPort,
        "-servername", "api.example.com", "-CAfile", ca.caCert().toString())
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      p.getOutputStream().write("R\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      p.getOutputStream().flush();
      boolean ended = p.waitFor(30, TimeUnit.SECONDS);
      String out = Files.readString(output, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(ended, "the connection is still open after the renegotiation request: " + out);
      assertTrue(out.contains("Verify return code: 0 (ok)") && out.contains("RENEGOTIATING"), out);
      assertTrue(out.contains("alert handshake failure"), out);
    } finally {
      p.destroyForcibly();
    }
    // the listener serves on
    Curl.Result after = curl("api.example.com", "/", "--tlsv1.2", "--tls-max", "1.2");
    assertEquals("200 2", after.writeOut(), after.stderr());
  }

  @Test
  void aWebSocketOverTlsReachesItsNode() throws Exception {
    startGateway(config(""), 1);
    io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setSsl(true).setVerifyHost(false) // an IP literal: no SNI, so the default certificate (api's)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.caCert().toString())));
    java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
    io.vertx.core.http.WebSocket ws = client.connect(new io.vertx.core.http.WebSocketConnectOptions()
            .setHost("127.0.0.1").setPort(httpsPort).setURI("/ws").addHeader("host", "api.example.com"))
        .onSuccess(w -> w.textMessageHandler(received::add)).await(20, TimeUnit.SECONDS);
    assertTrue(received.poll(10, TimeUnit.SECONDS).startsWith("hello from 127.0.0."));
    ws.writeTextMessage("over tls");
    assertEquals("over tls", received.poll(10, TimeUnit.SECONDS));
  }
}
