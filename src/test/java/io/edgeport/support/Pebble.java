package io.edgeport.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real ACME server for end-to-end tests: Debian's {@code pebble}, with {@code pebble-challtestsrv} as its DNS
 * answering 127.0.0.1 (and no AAAA) for every name, so that it validates HTTP-01 at 127.0.0.1:httpPort and
 * TLS-ALPN-01 at 127.0.0.1:tlsPort, edgeport's listeners. All of its ports are free ones picked at start; its own
 * HTTPS certificate is made then too. Its state (accounts, orders, roots) lives as long as the process.
 */
public final class Pebble implements AutoCloseable {
  private static final long START_SECONDS = 30;
  private static final long STOP_SECONDS = 10;
  private static final String ISSUED = "Issued certificate serial";

  /**
   * How pebble is run. {@code httpPort} and {@code tlsPort} are required; the rest defaults to a deterministic
   * pebble: no nonce rejected, every challenge really validated, no authorization reused (each order needs its own
   * challenge), its own certificate lifetime (157766400 s, 5 years).
   *
   * @param certificateValidity the lifetime of the certificates it issues, or null for pebble's own
   */
  public record Options(int httpPort, int tlsPort, int nonceRejectPercent, boolean alwaysValid,
      int authzReusePercent, Duration certificateValidity) {
    public Options httpPort(int port) {
      return new Options(port, tlsPort, nonceRejectPercent, alwaysValid, authzReusePercent, certificateValidity);
    }

    public Options tlsPort(int port) {
      return new Options(httpPort, port, nonceRejectPercent, alwaysValid, authzReusePercent, certificateValidity);
    }

    /** {@code PEBBLE_WFE_NONCEREJECT}: the share of good nonces it answers with badNonce. */
    public Options nonceRejectPercent(int percent) {
      return new Options(httpPort, tlsPort, percent, alwaysValid, authzReusePercent, certificateValidity);
    }

    /** {@code PEBBLE_VA_ALWAYS_VALID}: every challenge passes without a request to edgeport. */
    public Options alwaysValid(boolean always) {
      return new Options(httpPort, tlsPort, nonceRejectPercent, always, authzReusePercent, certificateValidity);
    }

    /** {@code PEBBLE_AUTHZREUSE}: the share of new orders that reuse a valid authorization for the same name. */
    public Options authzReusePercent(int percent) {
      return new Options(httpPort, tlsPort, nonceRejectPercent, alwaysValid, percent, certificateValidity);
    }

    /** The config's {@code certificateValidityPeriod} (whole seconds). */
    public Options certificateValidity(Duration validity) {
      return new Options(httpPort, tlsPort, nonceRejectPercent, alwaysValid, authzReusePercent, validity);
    }
  }

  private final Process pebble;
  private final Process challtestsrv;
  private final Path pebbleLog;
  private final Path challtestsrvLog;
  private final Path caCertificates;
  private final SSLContext trust;
  private final int acmePort;
  private final int managementPort;

  private Pebble(Process pebble, Process challtestsrv, Path pebbleLog, Path challtestsrvLog, Path caCertificates,
      SSLContext trust, int acmePort, int managementPort) {
    this.pebble = pebble;
    this.challtestsrv = challtestsrv;
    this.pebbleLog = pebbleLog;
    this.challtestsrvLog = challtestsrvLog;
    this.caCertificates = caCertificates;
    this.trust = trust;
    this.acmePort = acmePort;
    this.managementPort = managementPort;
  }

  /** Options with no validation ports yet: set {@code httpPort} and {@code tlsPort}. */
  public static Options options() {
    return new Options(0, 0, 0, false, 0, null);
  }

  /**
   * Starts both processes, their files in a new directory under {@code workDir}, and returns once the ACME
   * directory answers over HTTPS and the DNS server's management port accepts (bounded; on failure both are
   * stopped and the error holds their output).
   */
  public static Pebble start(Options options, Path workDir) throws Exception {
    if (options.httpPort() <= 0 || options.tlsPort() <= 0) {
      throw new IllegalArgumentException("httpPort and tlsPort (where pebble validates challenges) must be set");
    }
    Path dir = Files.createTempDirectory(workDir, "pebble");
    TestCertificates ca = TestCertificates.create(dir);
    TestCertificates.Leaf listener = ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "localhost", "127.0.0.1");
    int acme = Configs.freePort();
    int management = Configs.freePort();
    int dns = Configs.freePort();
    int dnsManagement = Configs.freePort();
    Path config = dir.resolve("pebble-config.json");
    Files.writeString(config, """
        {"pebble": {
          "listenAddress": "127.0.0.1:%d",
          "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s",
          "privateKey": "%s",
          "httpPort": %d,
          "tlsPort": %d,
          "ocspResponderURL": "",
          "externalAccountBindingRequired": false%s
        }}
        """.formatted(acme, management, listener.cert(), listener.key(), options.httpPort(), options.tlsPort(),
        options.certificateValidity() == null ? ""
            : ",\n  \"certificateValidityPeriod\": " + options.certificateValidity().toSeconds()));
    // Only the DNS server and its management API: the challenge servers it would also run are edgeport's job.
    // An empty default IPv6 leaves AAAA answers empty, so pebble validates over IPv4, where edgeport listens.
    Path challtestsrvLog = dir.resolve("challtestsrv.log");
    Process challtestsrv = launch(dir, challtestsrvLog, Map.of(), List.of("pebble-challtestsrv",
        "-dns01", "127.0.0.1:" + dns, "-http01", "", "-https01", "", "-tlsalpn01", "",
        "-management", "127.0.0.1:" + dnsManagement, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""));
    Path pebbleLog = dir.resolve("pebble.log");
    Process pebble;
    try {
      Map<String, String> env = new HashMap<>(Map.of("PEBBLE_VA_NOSLEEP", "1",
          "PEBBLE_WFE_NONCEREJECT", Integer.toString(options.nonceRejectPercent()),
          "PEBBLE_AUTHZREUSE", Integer.toString(options.authzReusePercent())));
      if (options.alwaysValid()) {
        env.put("PEBBLE_VA_ALWAYS_VALID", "1");
      }
      pebble = launch(dir, pebbleLog, env,
          List.of("pebble", "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dns, "-strict", "false"));
    } catch (IOException e) {
      stop(challtestsrv);
      throw e;
    }
    Pebble started = new Pebble(pebble, challtestsrv, pebbleLog, challtestsrvLog, ca.caCert(),
        trusting(ca.caCert()), acme, management);
    try {
      started.awaitReady(dnsManagement);
      return started;
    } catch (Throwable e) {
      started.close();
      throw e;
    }
  }

  private static Process launch(Path dir, Path log, Map<String, String> env, List<String> command)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("PEBBLE_")); // none inherited: only the options count
    builder.environment().putAll(env);
    Process p = builder.start();
    JavaProcess.killAtExit(p);
    return p;
  }

  private void awaitReady(int dnsManagement) {
    HttpClient client = client();
    try {
      Poll.until(() -> !pebble.isAlive() || !challtestsrv.isAlive()
          || answers(client, directory()) && accepts(dnsManagement), START_SECONDS, "pebble's directory and DNS");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; " + log(), e);
    }
    if (!pebble.isAlive() || !challtestsrv.isAlive()) {
      throw new AssertionError("pebble or pebble-challtestsrv ended at start; " + log());
    }
  }

  private static boolean answers(HttpClient client, URI uri) {
    try {
      return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for pebble", e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** An SSLContext that trusts only the certificates of {@code pem}. */
  private static SSLContext trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private HttpClient client() {
    return HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(2)).build();
  }

  /** The ACME directory: {@code https://127.0.0.1:PORT/dir}. */
  public URI directory() {
    return URI.create("https://127.0.0.1:" + acmePort + "/dir");
  }

  /** A PEM file that verifies pebble's own HTTPS listeners (ACME and management), for the ACME client. */
  public Path caCertificates() {
    return caCertificates;
  }

  /**
   * The {@code acme:} section of an edgeport config that orders from this pebble, trusting its listener.
   *
   * @param more more keys of the section, one line each ({@code challenges: [http-01]})
   */
  public String acmeSection(String... more) {
    StringBuilder out = new StringBuilder("""
        acme:
          email: ops@example.com
          agreeToTerms: true
          directory: "%s"
          caCertificates: %s
        """.formatted(directory(), caCertificates()));
    for (String line : more) {
      out.append("  ").append(line).append('\n');
    }
    return out.toString();
  }

  /** An SSLContext trusting {@link #caCertificates()}. */
  public SSLContext sslContext() {
    return trust;
  }

  /** The PEM of the root pebble issues under (made at its start), from its management API. */
  public String rootPem() throws Exception {
    URI roots = URI.create("https://127.0.0.1:" + managementPort + "/roots/0");
    HttpResponse<String> r = client().send(HttpRequest.newBuilder(roots).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(roots + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** How many certificates pebble has issued so far. */
  public int issuedCount() {
    return (int) read(pebbleLog).lines().filter(l -> l.contains(ISSUED)).count();
  }

  /** Waits (bounded) until pebble has issued at least {@code n} certificates. */
  public void awaitIssued(int n, Duration timeout) {
    try {
      Poll.until(() -> issuedCount() >= n, Math.max(1, timeout.toSeconds()), n + " certificates issued");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (" + issuedCount() + "); " + log(), e);
    }
  }

  /** The output of both processes so far, for assertion messages. */
  public String log() {
    return "pebble output:\n" + read(pebbleLog) + "pebble-challtestsrv output:\n" + read(challtestsrvLog);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(" + file + " unreadable: " + e + ")\n";
    }
  }

  /** Stops both: SIGTERM, then SIGKILL after a bounded wait. */
  @Override
  public void close() throws InterruptedException {
    try {
      stop(pebble);
    } finally {
      stop(challtestsrv);
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    try {
      if (!p.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        Command.kill(p);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly(); // the test gave up: no wait, but nothing left serving
      throw e;
    }
  }
}
