package io.edgeport.config;

import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.ListNode;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Node;
import io.edgeport.config.YamlTree.Scalar;
import io.edgeport.net.HostNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tls: [{hosts: [...], cert: FILE, key: FILE, default: true}]}. File paths are relative to the
 * config file's directory. Whether the files hold a usable certificate is checked when they are
 * loaded ({@code check}, start, reload), since they change on their own.
 */
final class TlsSection {
  private TlsSection() {}

  static List<CertificateConfig> read(ConfigReader r, Entry entry, Path baseDir) {
    if (entry == null) {
      return List.of();
    }
    ListNode list = r.asList(entry.value(), "tls");
    if (list == null) {
      return List.of();
    }
    List<CertificateConfig> out = new ArrayList<>();
    Map<String, Scalar> hostsSeen = new HashMap<>();
    Node firstDefault = null;
    for (Node item : list.items()) {
      MapNode map = r.asMap(item, "a tls entry");
      if (map == null) {
        continue;
      }
      r.checkKeys(map, "a tls entry", "hosts", "cert", "key", "default");
      List<String> hosts = new ArrayList<>();
      Entry hostsEntry = map.entries().get("hosts");
      if (hostsEntry == null) {
        r.error(map, "tls: an entry without 'hosts' (the names its certificate serves)");
      }
      for (Scalar s : r.stringList(hostsEntry, "tls.hosts")) {
        String error = HostNames.configHostError(s.text().trim());
        if (error != null) {
          r.error(s, "tls.hosts: " + error);
          continue;
        }
        String host = HostNames.canonical(s.text().trim());
        Scalar first = hostsSeen.putIfAbsent(host, s);
        if (first != null) {
          r.error(s, "tls.hosts: '" + host + "' already has a certificate at line " + first.line());
        } else {
          hosts.add(host);
        }
      }
      Path cert = file(r, map, "cert", baseDir);
      Path key = file(r, map, "key", baseDir);
      boolean isDefault = r.flag(map, "default", "tls.default", false);
      if (isDefault) {
        if (firstDefault != null) {
          r.error(map.entries().get("default").value(), "tls.default: only one certificate can be the default; line "
              + firstDefault.line() + " already is");
        }
        firstDefault = map.entries().get("default").value();
      }
      if (cert != null && key != null && !hosts.isEmpty()) {
        out.add(new CertificateConfig(hosts, cert, key, isDefault, r.fileName + ":" + map.line()));
      }
    }
    return out;
  }

  private static Path file(ConfigReader r, MapNode map, String key, Path baseDir) {
    String text = r.optionalString(map, key, "tls." + key);
    if (text == null) {
      if (!map.entries().containsKey(key)) {
        r.error(map, "tls: an entry without '" + key + "' (a PEM file)");
      }
      return null;
    }
    Path p = Path.of(text.trim());
    return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p).normalize();
  }
}
