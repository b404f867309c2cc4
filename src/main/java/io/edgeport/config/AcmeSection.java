package io.edgeport.config;

import io.edgeport.config.AcmeConfig.Challenge;
import io.edgeport.config.AcmeConfig.ExternalAccountBinding;
import io.edgeport.config.YamlTree.Entry;
import io.edgeport.config.YamlTree.MapNode;
import io.edgeport.config.YamlTree.Scalar;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code acme: {email, agreeToTerms, directory, caCertificates, externalAccountBinding, challenges, renewBefore,
 * retryBackoff, storage, namespace}}. Whether caCertificates can be read and storage written is checked when the
 * config is loaded ({@code check}, start, reload): files change on their own.
 */
final class AcmeSection {
  /** Failed orders are not tried again sooner than this (the CA's limits count failures too). */
  static final Duration MIN_RETRY_BACKOFF = Duration.ofSeconds(1);

  /** Enough to refuse a typo; the CA judges the rest. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+\\.[^@\\s,]+");

  private AcmeSection() {}

  static AcmeConfig read(ConfigReader r, Entry entry, Path baseDir, Set<String> optedOut) {
    if (entry == null) {
      return null;
    }
    MapNode map = r.asMap(entry.value(), "acme");
    if (map == null) {
      return null;
    }
    r.checkKeys(map, "acme", "email", "agreeToTerms", "directory", "caCertificates", "externalAccountBinding",
        "challenges", "renewBefore", "retryBackoff", "storage", "namespace");
    String email = r.optionalString(map, "email", "acme.email");
    if (email == null && !map.entries().containsKey("email")) {
      r.error(map, "acme: needs 'email', the account's contact (the CA writes to it about expiring certificates"
          + " and incidents)");
    } else if (email != null && !EMAIL.matcher(email.trim()).matches()) {
      r.error(map.entries().get("email").value(), "acme.email: '" + email + "' is not an email address");
    }
    if (!r.flag(map, "agreeToTerms", "acme.agreeToTerms", false)) {
      r.error(map.entries().containsKey("agreeToTerms") ? map.entries().get("agreeToTerms").value() : map,
          "acme: needs 'agreeToTerms: true': ordering a certificate accepts the CA's terms of service, so they must"
              + " be accepted explicitly (read them at the CA's directory URL, under meta.termsOfService)");
    }
    URI directory = directory(r, map);
    Path ca = path(r, map, "caCertificates", baseDir);
    ExternalAccountBinding eab = binding(r, map);
    List<Challenge> challenges = challenges(r, map);
    Duration retryBackoff = r.duration(map, "retryBackoff", "acme.", AcmeConfig.DEFAULT_RETRY_BACKOFF);
    if (retryBackoff.compareTo(MIN_RETRY_BACKOFF) < 0) {
      r.error(map.entries().get("retryBackoff").value(), "acme.retryBackoff: at least "
          + MIN_RETRY_BACKOFF.toSeconds() + "s (a shorter one would retry a failing order in a tight loop)");
    }
    AcmeConfig parsed = new AcmeConfig(email == null ? "" : email.trim(), directory, ca, eab, challenges,
        r.duration(map, "renewBefore", "acme.", AcmeConfig.DEFAULT_RENEW_BEFORE), retryBackoff,
        map.entries().containsKey("storage") ? path(r, map, "storage", baseDir) : AcmeConfig.DEFAULT_STORAGE,
        namespace(r, map), optedOut, r.fileName + ":" + map.line());
    return parsed;
  }

  private static URI directory(ConfigReader r, MapNode map) {
    String text = r.optionalString(map, "directory", "acme.directory");
    if (text == null) {
      return AcmeConfig.LETS_ENCRYPT;
    }
    try {
      URI uri = new URI(text.trim());
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        r.error(map.entries().get("directory").value(), "acme.directory: '" + text + "' is not an https URL (RFC 8555"
            + " requires HTTPS; a private CA's certificate goes in acme.caCertificates)");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      r.error(map.entries().get("directory").value(), "acme.directory: not a URL: " + e.getMessage());
      return null;
    }
  }

  private static Path path(ConfigReader r, MapNode map, String key, Path baseDir) {
    String text = r.optionalString(map, key, "acme." + key);
    if (text == null || text.isBlank()) {
      if (text != null) {
        r.error(map.entries().get(key).value(), "acme." + key + ": empty");
      }
      return null;
    }
    Path p = Path.of(text.trim());
    return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p).normalize();
  }

  private static ExternalAccountBinding binding(ConfigReader r, MapNode map) {
    Entry e = map.entries().get("externalAccountBinding");
    if (e == null) {
      return null;
    }
    MapNode m = r.asMap(e.value(), "acme.externalAccountBinding");
    if (m == null) {
      return null;
    }
    r.checkKeys(m, "acme.externalAccountBinding", "keyId", "hmacKey");
    String keyId = r.optionalString(m, "keyId", "acme.externalAccountBinding.keyId");
    String hmacKey = r.optionalString(m, "hmacKey", "acme.externalAccountBinding.hmacKey");
    if (keyId == null || keyId.isBlank() || hmacKey == null || hmacKey.isBlank()) {
      r.error(m, "acme.externalAccountBinding: needs both 'keyId' and 'hmacKey', as the CA gave them");
      return null;
    }
    try {
      Base64.getUrlDecoder().decode(hmacKey.trim());
    } catch (IllegalArgumentException ex) {
      r.error(m.entries().get("hmacKey").value(), "acme.externalAccountBinding.hmacKey: not base64url");
      return null;
    }
    return new ExternalAccountBinding(keyId.trim(), hmacKey.trim());
  }

  private static List<Challenge> challenges(ConfigReader r, MapNode map) {
    Entry e = map.entries().get("challenges");
    if (e == null) {
      return List.of(Challenge.HTTP_01, Challenge.TLS_ALPN_01);
    }
    List<Challenge> out = new ArrayList<>();
    for (Scalar s : r.stringList(e, "acme.challenges")) {
      Challenge c = null;
      for (Challenge candidate : Challenge.values()) {
        if (candidate.type().equals(s.text().trim())) {
          c = candidate;
        }
      }
      if (c == null) {
        r.error(s, "acme.challenges: '" + s.text() + "' is not one of http-01, tls-alpn-01"
            + (s.text().trim().equals("dns-01") ? " (dns-01 needs a DNS provider's API, which edgeport has not)" : ""));
      } else if (out.contains(c)) {
        r.error(s, "acme.challenges: '" + s.text() + "' is listed twice");
      } else {
        out.add(c);
      }
    }
    if (out.isEmpty() && !r.hasErrors()) {
      r.error(e.value(), "acme.challenges: empty; list http-01, tls-alpn-01 or both");
    }
    return out;
  }

  private static String namespace(ConfigReader r, MapNode map) {
    String text = r.optionalString(map, "namespace", "acme.namespace");
    if (text != null && !text.trim().matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      r.error(map.entries().get("namespace").value(), "acme.namespace: '" + text + "' is not a namespace name");
      return null;
    }
    return text == null ? null : text.trim();
  }
}
