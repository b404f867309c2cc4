package io.edgeport.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code acme:}: certificates obtained from an ACME CA (RFC 8555) for the hosts no {@code tls:} entry covers.
 *
 * @param email          the account's contact
 * @param directory      the CA's directory URL (https)
 * @param caCertificates PEM certificates that verify the CA's own HTTPS (a private CA), or null: the JDK's
 * @param externalAccountBinding the key the CA gave for binding the account (RFC 8555 §7.3.4), or null
 * @param challenges     tried in this order for each host
 * @param renewBefore    renew this long before expiry, or at a third of the lifetime left when that is sooner (never
 *                       before a third of it has been served)
 * @param retryBackoff   the first wait after a failed order; it doubles with each failure (with jitter), to a day
 * @param storage        standalone: where the account key, keys and certificates are kept
 * @param namespace      with {@code kubernetes:}: where the certificates' Secrets live, or null: the Lease's
 * @param optedOut       the {@code domains:} hosts that said {@code acme: false}
 * @param origin         {@code FILE:LINE} of the section, for status
 */
public record AcmeConfig(String email, URI directory, Path caCertificates, ExternalAccountBinding externalAccountBinding,
    List<Challenge> challenges, Duration renewBefore, Duration retryBackoff, Path storage, String namespace,
    Set<String> optedOut, String origin) {

  public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
  public static final Path DEFAULT_STORAGE = Path.of("/var/lib/edgeport/acme");
  public static final Duration DEFAULT_RENEW_BEFORE = Duration.ofDays(30);
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMinutes(1);

  public AcmeConfig {
    challenges = List.copyOf(challenges);
    optedOut = Set.copyOf(optedOut);
  }

  /** The challenge types edgeport answers itself (DNS-01 needs a DNS provider's API: not offered). */
  public enum Challenge {
    HTTP_01("http-01"), TLS_ALPN_01("tls-alpn-01");

    private final String type;

    Challenge(String type) {
      this.type = type;
    }

    /** As ACME names it. */
    public String type() {
      return type;
    }
  }

  /** @param hmacKey base64url, as CAs hand it out */
  public record ExternalAccountBinding(String keyId, String hmacKey) {
    @Override
    public String toString() {
      return "ExternalAccountBinding[keyId=" + keyId + "]"; // never the key
    }
  }
}
