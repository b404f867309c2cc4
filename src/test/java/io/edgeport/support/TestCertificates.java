package io.edgeport.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A test CA and leaf certificates made at test time with the {@code openssl} binary (no private key is
 * committed). Leaves are valid for two days, signed by the CA, with the given names as subjectAltNames (DNS names, or
 * IP addresses for IPv4 literals).
 */
public final class TestCertificates {
  /** The private key formats the gateway reads. */
  public enum KeyFormat { PKCS8_RSA, PKCS1_RSA, PKCS8_EC, SEC1_EC }

  /** A leaf's files. */
  public record Leaf(Path cert, Path key) {}

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Path dir;
  private final AtomicInteger serial = new AtomicInteger();

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** A new CA in {@code dir} ({@code ca.crt}, {@code ca.key}). */
  public static TestCertificates create(Path dir) throws Exception {
    TestCertificates c = new TestCertificates(dir);
    c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-subj", "/CN=edgeport test CA", "-days", "2");
    return c;
  }

  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  /** A leaf for {@code names} (the first is its CN), written to {@code NAME-N.crt} and {@code NAME-N.key}. */
  public Leaf issue(KeyFormat format, String... names) throws Exception {
    String base = names[0].replace("*", "wildcard") + "-" + serial.incrementAndGet();
    boolean ec = format == KeyFormat.PKCS8_EC || format == KeyFormat.SEC1_EC;
    List<String> req = new ArrayList<>(List.of("req", "-newkey", ec ? "ec" : "rsa:2048"));
    if (ec) {
      req.addAll(List.of("-pkeyopt", "ec_paramgen_curve:prime256v1"));
    }
    req.addAll(List.of("-nodes", "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + names[0]));
    openssl(req.toArray(String[]::new));
    StringBuilder san = new StringBuilder("subjectAltName=");
    for (int i = 0; i < names.length; i++) {
      san.append(i == 0 ? "" : ",").append(IPV4.matcher(names[i]).matches() ? "IP:" : "DNS:").append(names[i]);
    }
    Files.writeString(dir.resolve(base + ".ext"), san + "\n");
    openssl("x509", "-req", "-in", base + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", base + ".crt", "-days", "2", "-extfile", base + ".ext");
    switch (format) {
      case PKCS1_RSA -> openssl("rsa", "-in", base + ".key", "-traditional", "-out", base + ".key");
      case SEC1_EC -> openssl("ec", "-in", base + ".key", "-out", base + ".key");
      default -> { } // openssl writes PKCS#8
    }
    return new Leaf(dir.resolve(base + ".crt"), dir.resolve(base + ".key"));
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Command.Result r = Command.run(dir, "", 60, command);
    if (r.exit() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + r.output());
    }
  }
}
