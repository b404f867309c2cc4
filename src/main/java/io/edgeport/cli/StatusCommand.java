package io.edgeport.cli;

import io.edgeport.config.ListenAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A running gateway's status as a compact table, for operators on the edge host over SSH. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show what a running edgeport serves: domains, their nodes and health, traffic, certificates"
        + " (with ACME: each host's state, next renewal and last error), last reload.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every domain has a healthy node",
        "1:some domain has no healthy node (or the gateway is not ready)", "2:the admin API cannot be reached"})
final class StatusCommand implements Callable<Integer> {
  private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
      .withZone(ZoneOffset.UTC);

  @Spec
  CommandSpec spec;

  @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9901",
      converter = ServeOptions.AddressConverter.class,
      description = "the gateway's admin address (default: ${DEFAULT-VALUE})")
  ListenAddress admin;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String host = admin.host().isEmpty() || admin.host().equals("0.0.0.0") ? "127.0.0.1" : admin.host();
    URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + admin.port() + "/api/status");
    JsonObject status;
    try {
      HttpResponse<String> res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
          .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 200) {
        err.println("edgeport status: " + uri + " answered " + res.statusCode());
        return 2;
      }
      status = new JsonObject(res.body());
    } catch (Exception e) {
      err.println("edgeport status: cannot reach " + uri + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is 'admin:' set in the config, or --admin?");
      return 2;
    }
    return print(status, out);
  }

  static int print(JsonObject s, PrintWriter out) {
    JsonObject cluster = s.getJsonObject("cluster", new JsonObject());
    out.println(s.getString("version") + " · generation " + s.getLong("generation")
        + " · " + (s.getBoolean("draining", false) ? "DRAINING" : s.getBoolean("ready", false) ? "ready" : "NOT READY")
        + " · listening on " + s.getString("listen", "?")
        + " · nodes from " + cluster.getString("source", "?") + " (" + cluster.getString("state", "?") + ")");
    JsonObject gatewayApi = cluster.getJsonObject("gatewayApi");
    if (gatewayApi != null && !gatewayApi.getBoolean("installed")) {
      out.println("! the cluster does not serve the Gateway API (" + String.join(", ",
          gatewayApi.getJsonArray("missing").stream().map(String::valueOf).toList()) + " not found): gatewayClass "
          + gatewayApi.getString("gatewayClass") + " is not served");
    }
    JsonObject traffic = s.getJsonObject("traffic");
    out.println(traffic.getDouble("requestsPerSecond", 0.0) + " req/s, " + traffic.getDouble("errors5xxPerSecond", 0.0)
        + " 5xx/s (last 10 s) · requests " + traffic.getLong("requests") + " · 5xx " + traffic.getLong("errors5xx")
        + " · open connections " + traffic.getLong("openConnections") + " · retries " + traffic.getLong("retries"));
    out.println();
    String row = "%-32s %-14s %-22s %8s %8s %10s %6s%n";
    out.printf(row, "DOMAIN", "ROUTE", "BACKEND", "NODES UP", "REQ/S", "REQUESTS", "5XX");
    boolean allHealthy = true;
    for (Object o : s.getJsonArray("domains", new JsonArray())) {
      JsonObject d = (JsonObject) o;
      allHealthy &= d.getBoolean("healthy");
      boolean first = true;
      for (Object ro : d.getJsonArray("routes")) {
        JsonObject r = (JsonObject) ro;
        JsonArray nodes = r.getJsonArray("nodes");
        long checked = nodes.stream().filter(n -> ((JsonObject) n).containsKey("address")).count();
        out.printf(row, first ? d.getString("host") : "", r.getString("match").equals("exact") ? "=" + r.getString("path")
            : r.getString("path"), r.getString("backend"), r.getInteger("nodesUp") + "/" + checked,
            first ? d.getDouble("requestsPerSecond", 0.0) : "", first ? d.getLong("requests") : "",
            first ? d.getLong("errors5xx") : "");
        first = false;
        if (r.getString("unavailable") != null) {
          out.println("    503: " + r.getString("unavailable"));
        }
        for (Object no : nodes) {
          JsonObject n = (JsonObject) no;
          String name = n.getString("endpoint", n.getString("name"));
          String why = "UP".equals(n.getString("status")) ? "" : n.getString("reason", n.getString("notServingBecause", ""));
          out.printf("    %-28s %-9s %8s req  %s%n", name, n.getString("status"), n.getLong("requests", 0L),
              why == null ? "" : why);
        }
      }
      if (!d.getBoolean("healthy")) {
        out.println("    ! no healthy node: " + d.getString("host") + " is served fail-open or not at all");
      }
    }
    certificates(s, out);
    JsonObject reload = s.getJsonObject("lastReload");
    if (reload != null) {
      out.println();
      out.println("last config: " + (reload.getBoolean("ok") ? "applied" : "REFUSED") + " (" + reload.getString("source")
          + ", " + reload.getString("at") + ")" + (reload.getString("error") == null ? "" : ": " + reload.getString("error")));
    }
    out.flush();
    return allHealthy && s.getBoolean("ready", false) ? 0 : 1;
  }

  /**
   * Each host's certificate: the served files' and Secrets' (renewed by whoever writes them), then every ACME host
   * with its state, next renewal and last error (ACME's served certificates are among these).
   */
  private static void certificates(JsonObject s, PrintWriter out) {
    JsonObject acme = s.getJsonObject("acme");
    List<JsonObject> served = s.getJsonArray("certificates", new JsonArray()).stream().map(JsonObject.class::cast)
        .filter(c -> !"acme".equals(c.getString("source"))).toList();
    List<JsonObject> hosts = acme == null ? List.of()
        : acme.getJsonArray("hosts").stream().map(JsonObject.class::cast).toList();
    if (served.isEmpty() && acme == null) {
      return;
    }
    out.println();
    String row = "%-32s %-7s %-17s %-17s %-30s %s%n";
    out.printf(row, "CERTIFICATE", "SOURCE", "EXPIRES (UTC)", "NEXT RENEWAL", "ISSUER", "STATE");
    for (JsonObject c : served) {
      out.printf(row, String.join(", ", c.getJsonArray("hosts").stream().map(String::valueOf).toList()),
          c.getString("source"), time(c.getString("notAfter")), "-", issuer(c.getString("issuer")), "served");
    }
    for (JsonObject h : hosts) {
      out.printf(row, h.getString("host"), "acme", time(h.getString("notAfter")), time(h.getString("renewAt")),
          issuer(h.getString("issuer")), h.getString("state"));
      if (h.getString("lastError") != null) {
        int failures = h.getInteger("failures", 0);
        out.println("    ! " + (failures == 0 ? "" : failures + " failed order(s), next attempt "
            + time(h.getString("nextAttempt")) + ": ") + h.getString("lastError"));
      }
    }
    if (acme != null) {
      JsonObject orders = acme.getJsonObject("orders");
      out.println("acme: " + acme.getString("directory") + " · orders " + orders.getLong("succeeded") + " ok, "
          + orders.getLong("failed") + " failed · renewals " + acme.getLong("renewals"));
    }
  }

  private static String time(String instant) {
    return instant == null ? "-" : MINUTES.format(Instant.parse(instant));
  }

  /** The issuer's organization (Let's Encrypt), else its common name (Pebble Intermediate CA …), else all of it. */
  private static String issuer(String dn) {
    if (dn == null) {
      return "-";
    }
    try {
      List<Rdn> rdns = new LdapName(dn).getRdns();
      for (String type : List.of("O", "CN")) {
        for (Rdn rdn : rdns) {
          if (rdn.getType().equalsIgnoreCase(type)) {
            return String.valueOf(rdn.getValue());
          }
        }
      }
    } catch (InvalidNameException e) {
      // shown whole
    }
    return dn;
  }
}
