package io.edgeport.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.edgeport.config.Problem.Severity;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.ListNode;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.model.Domain;
import io.edgeport.net.Cidr;
import io.edgeport.net.HostNames;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * YAML file → validated {@link EdgeportConfig}. Strict: unknown keys, wrong types and bad values
 * are all collected (not just the first) and reported as {@code FILE:LINE:COL: message}. Each
 * top-level section has its own reader ({@code *Section}); this class reads the root and the
 * small sections, and checks what spans sections.
 */
public final class ConfigLoader {

  /** A usable config and the warnings found on the way. */
  public record Loaded(EdgeportConfig config, List<Problem> warnings) {}

  static final String[] ROOT_KEYS = {"listen", "timeouts", "trustedProxies", "untrustedHeaders", "kubernetes", "nodes",
      "domains", "admin", "accessLog", "shutdown", "tls", "limits", "acme"};
  /** A header name: RFC 9110's token. */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final ConfigReader r;

  private ConfigLoader(String fileName) {
    this.r = new ConfigReader(fileName);
  }

  public static Loaded load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(),
          List.of(new Problem(Severity.ERROR, 0, 0, "cannot read: " + describe(e))));
    }
    return parse(file.toString(), text);
  }

  public static Loaded parse(String fileName, String yaml) throws ConfigException {
    return new ConfigLoader(fileName).run(yaml);
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
  }

  private Loaded run(String yaml) throws ConfigException {
    Node root;
    try {
      root = YamlTree.parse(new StringReader(yaml), r.problems());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new ConfigException(r.fileName, List.of(new Problem(Severity.ERROR,
          at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
          "YAML syntax: " + e.getOriginalMessage().strip().replaceAll("\\s*\n\\s*", " "))));
    } catch (IOException e) {
      throw new ConfigException(r.fileName, List.of(new Problem(Severity.ERROR, 0, 0, "cannot read: " + e)));
    }
    EdgeportConfig config = root == null ? null : readRoot(root);
    if (root == null) {
      r.error(1, 1, "the file is empty; it needs at least 'nodes' and 'domains'");
    }
    if (config == null || r.hasErrors()) {
      throw new ConfigException(r.fileName, r.problems());
    }
    return new Loaded(config, List.copyOf(r.problems()));
  }

  private EdgeportConfig readRoot(Node root) {
    MapNode map = r.asMap(root, "the config");
    if (map == null) {
      return null;
    }
    r.checkKeys(map, "the config", ROOT_KEYS);
    ListenConfig listen = ListenSection.read(r, map.entries().get("listen"));
    Timeouts timeouts = TimeoutsSection.read(r, map.entries().get("timeouts"));
    List<Cidr> trusted = r.cidrs(map.entries().get("trustedProxies"), "trustedProxies");
    List<String> untrustedHeaders = readUntrustedHeaders(map.entries().get("untrustedHeaders"));
    LimitsConfig limits = LimitsSection.read(r, map.entries().get("limits"));
    Entry kubeEntry = map.entries().get("kubernetes");
    KubernetesConfig kubernetes = kubeEntry == null ? null : KubernetesSection.read(r, kubeEntry, limits);
    List<String> nodes = List.of();
    Entry nodesEntry = map.entries().get("nodes");
    if (kubeEntry != null && nodesEntry != null) {
      r.error(nodesEntry.line(), nodesEntry.column(), "'nodes' and 'kubernetes' exclude each other: with 'kubernetes'"
          + " the nodes come from the API; remove 'nodes'");
    } else if (kubeEntry == null) {
      nodes = readNodes(map, nodesEntry);
    }
    DomainsSection domainsSection = new DomainsSection(r);
    boolean discovers = kubernetes != null && (kubernetes.ingressClass() != null || kubernetes.gatewayClass() != null
        || kubernetes.loadBalancer() != null);
    List<Domain> domains = domainsSection.read(map, map.entries().get("domains"), discovers);
    if (kubeEntry == null) {
      domainsSection.serviceUses.forEach(s -> r.error(s, "service '" + s.text() + "' needs a 'kubernetes' section"));
    }
    List<CertificateConfig> tls = TlsSection.read(r, map.entries().get("tls"), baseDir());
    AcmeConfig acme = AcmeSection.read(r, map.entries().get("acme"), baseDir(), domainsSection.acmeOptedOut.keySet());
    if (acme == null) {
      domainsSection.acmeOptedOut.values().forEach(s -> r.warning(s, "acme: false has no effect without an 'acme'"
          + " section"));
    }
    checkHttps(map, listen, tls, domains, kubeEntry != null, acme != null);
    return new EdgeportConfig(listen, timeouts, trusted, untrustedHeaders, nodes, domains, kubernetes,
        AdminSection.read(r, map.entries().get("admin")),
        AccessLogSection.read(r, map.entries().get("accessLog")),
        ShutdownSection.read(r, map.entries().get("shutdown")), tls, limits, acme);
  }

  /** The config file's directory, which relative certificate paths start from. */
  private Path baseDir() {
    try {
      Path parent = Path.of(r.fileName).toAbsolutePath().getParent();
      return parent != null ? parent : Path.of("").toAbsolutePath();
    } catch (java.nio.file.InvalidPathException e) {
      return Path.of("").toAbsolutePath();
    }
  }

  /**
   * What spans listen, tls, acme and domains: an HTTPS listener needs a certificate (or ACME to get them), ACME
   * needs the HTTPS listener, a redirect needs the listener.
   */
  private void checkHttps(MapNode root, ListenConfig listen, List<CertificateConfig> tls, List<Domain> domains,
      boolean kubernetes, boolean acme) {
    Entry listenEntry = root.entries().get("listen");
    if (listen.https() != null && tls.isEmpty() && !kubernetes && !acme && !r.hasErrors()) {
      r.error(listenEntry.line(), listenEntry.column(), "listen.https needs at least one certificate: add a 'tls'"
          + " section (or an 'acme' section to obtain them)");
    }
    if (acme && listen.https() == null) {
      r.error(root.entries().get("acme").line(), root.entries().get("acme").column(), "acme: certificates are"
          + " obtained for the HTTPS listener: set listen.https");
    }
    Entry tlsEntry = root.entries().get("tls");
    if (listen.https() == null && !tls.isEmpty()) {
      r.warning(tlsEntry.value(), "tls: certificates are configured but listen.https is not set: they are not served");
    }
    if (listen.https() == null) {
      for (Domain d : domains) {
        if (d.https().redirect()) {
          r.error(root.entries().get("domains").value(), "domain '" + d.host() + "': redirectHttps needs listen.https");
        }
      }
    }
  }

  /**
   * {@code untrustedHeaders: [X-Real-IP, ...]}, lower case with {@code _} as {@code -} (they are matched that way);
   * absent: {@link EdgeportConfig#UNTRUSTED_HEADERS}. Host and the framing headers make the request what it is:
   * removing them is refused.
   */
  private List<String> readUntrustedHeaders(Entry entry) {
    if (entry == null) {
      return EdgeportConfig.UNTRUSTED_HEADERS;
    }
    Set<String> out = new LinkedHashSet<>();
    for (Scalar s : r.stringList(entry, "untrustedHeaders")) {
      String name = s.text().trim().toLowerCase(Locale.ROOT).replace('_', '-');
      if (!HEADER_NAME.matcher(name).matches()) {
        r.error(s, "untrustedHeaders: '" + s.text() + "' is not a header name");
      } else if (name.equals("host") || name.equals("content-length") || name.equals("transfer-encoding")) {
        r.error(s, "untrustedHeaders: " + s.text() + " cannot be removed: the request needs it");
      } else if (!out.add(name)) {
        r.error(s, "untrustedHeaders: '" + s.text() + "' is listed twice");
      }
    }
    return List.copyOf(out);
  }

  private List<String> readNodes(MapNode root, Entry entry) {
    if (entry == null) {
      r.error(root, "'nodes' is missing: list the cluster's node addresses");
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    List<Scalar> items = r.stringList(entry, "nodes");
    for (Scalar s : items) {
      String n = s.text().trim();
      boolean ip = Cidr.IpLiterals.parse(n) != null;
      if (!ip && HostNames.configHostError(n) != null || n.startsWith("*")) {
        r.error(s, "nodes: '" + s.text() + "' is not an IP address or host name");
      } else if (!out.add(ip ? n : HostNames.canonical(n))) {
        r.error(s, "nodes: '" + s.text() + "' is listed twice");
      }
    }
    if (items.isEmpty() && entry.value() instanceof ListNode) {
      r.error(entry.value(), "nodes: the list is empty; at least one node address is required");
    }
    return List.copyOf(out);
  }
}
