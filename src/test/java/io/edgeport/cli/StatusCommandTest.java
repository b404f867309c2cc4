package io.edgeport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code edgeport status}'s certificate table, from a status document (the live path: AcmeEndToEndTest). */
class StatusCommandTest {
  static JsonObject status() {
    return new JsonObject().put("version", "edgeport test").put("generation", 3).put("ready", true)
        .put("traffic", new JsonObject().put("requests", 0L).put("errors5xx", 0L).put("openConnections", 0L)
            .put("retries", 0L))
        .put("domains", new JsonArray());
  }

  static List<String> print(JsonObject status) {
    StringWriter out = new StringWriter();
    StatusCommand.print(status, new PrintWriter(out));
    return out.toString().lines().toList();
  }

  static String line(List<String> lines, String start) {
    return lines.stream().filter(l -> l.startsWith(start)).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + start + ":\n" + String.join("\n", lines)));
  }

  @Test
  void eachHostsCertificateWithItsSourceIssuerExpiryRenewalAndLastError() {
    JsonObject s = status()
        .put("certificates", new JsonArray()
            .add(new JsonObject().put("hosts", new JsonArray().add("api.example.com").add("www.example.com"))
                .put("source", "file").put("issuer", "CN=R10,O=Let's Encrypt,C=US").put("notAfter", "2030-04-01T10:20:30Z"))
            .add(new JsonObject().put("hosts", new JsonArray().add("shop.example.com")).put("source", "secret")
                .put("issuer", "CN=cluster CA").put("notAfter", "2030-05-01T00:00:00Z"))
            .add(new JsonObject().put("hosts", new JsonArray().add("a.test")).put("source", "acme")
                .put("issuer", "CN=Pebble Intermediate CA 1").put("notAfter", "2030-06-01T00:00:00Z")))
        .put("acme", new JsonObject().put("directory", "https://ca.test/dir")
            .put("orders", new JsonObject().put("succeeded", 4L).put("failed", 3L)).put("renewals", 1L)
            .put("hosts", new JsonArray()
                .add(new JsonObject().put("host", "a.test").put("state", "valid").put("issuer", "CN=Pebble Intermediate CA 1")
                    .put("notAfter", "2030-06-01T00:00:00Z").put("renewAt", "2030-05-02T12:00:00Z").put("failures", 0))
                .add(new JsonObject().put("host", "b.test").put("state", "pending: the last order failed")
                    .put("lastError", "connection refused").put("nextAttempt", "2030-01-01T00:02:00Z").put("failures", 3))
                .add(new JsonObject().put("host", "*.apps.test").put("state", "not obtainable")
                    .put("lastError", "a wildcard needs the DNS-01 challenge").put("failures", 0))));

    List<String> lines = print(s);

    assertTrue(line(lines, "CERTIFICATE").matches(
        "CERTIFICATE +SOURCE +EXPIRES \\(UTC\\) +NEXT RENEWAL +ISSUER +STATE"), String.join("\n", lines));
    assertTrue(line(lines, "api.example.com, www.example.com").matches(
        "api\\.example\\.com, www\\.example\\.com +file +2030-04-01 10:20 +- +Let's Encrypt +served"), lines.toString());
    assertTrue(line(lines, "shop.example.com").matches("shop\\.example\\.com +secret +2030-05-01 00:00 +- +cluster CA +served"),
        lines.toString());
    assertTrue(line(lines, "a.test").matches("a\\.test +acme +2030-06-01 00:00 +2030-05-02 12:00 +Pebble Intermediate CA 1"
        + " +valid"), lines.toString());
    assertEquals(1, lines.stream().filter(l -> l.startsWith("a.test")).count(), "ACME's served one is listed once");
    int b = lines.indexOf(line(lines, "b.test"));
    assertTrue(lines.get(b).matches("b\\.test +acme +- +- +- +pending: the last order failed"), lines.get(b));
    assertEquals("    ! 3 failed order(s), next attempt 2030-01-01 00:02: connection refused", lines.get(b + 1));
    int wildcard = lines.indexOf(line(lines, "*.apps.test"));
    assertTrue(lines.get(wildcard).endsWith("not obtainable"), lines.get(wildcard));
    assertEquals("    ! a wildcard needs the DNS-01 challenge", lines.get(wildcard + 1));
    assertEquals("acme: https://ca.test/dir · orders 4 ok, 3 failed · renewals 1", line(lines, "acme:"));
  }

  @Test
  void withoutCertificatesOrAcmeThereIsNoCertificateTable() {
    List<String> lines = print(status().put("certificates", new JsonArray()));
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("CERTIFICATE") || l.startsWith("acme:")), lines.toString());
  }
}
