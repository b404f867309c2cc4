package io.edgeport.acme;

import io.edgeport.config.AcmeConfig;
import io.edgeport.config.AcmeConfig.Challenge;
import io.edgeport.acme.AcmeStore.PendingOrder;
import io.edgeport.acme.AcmeStore.Stored;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.challenge.TokenChallenge;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeRetryAfterException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.exception.AcmeUserActionRequiredException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CA account, and orders through it with acme4j: blocking, on the ACME worker (one order at a time, so the
 * CA sees one client, not a burst). An order is recorded in the store with its key before any challenge is answered,
 * so a restart or a new Lease holder finishes it instead of ordering a second certificate.
 */
final class AcmeClient {
  private static final Logger LOG = LoggerFactory.getLogger("io.edgeport.Edgeport");
  /** How long one order may wait on the CA (validation, issuance) before it counts as failed. */
  static final Duration ORDER_TIMEOUT = Duration.ofMinutes(3);

  /** Answers challenges on the listeners; {@link #serve} returns once the answer is served (or throws). */
  interface Responder {
    void serve(String host, AcmeStore.Answer answer) throws InterruptedException;

    void withdraw(String host);
  }

  private final AcmeConfig config;
  private final Session session;
  private Login login;

  AcmeClient(AcmeConfig config) throws IOException {
    this.config = config;
    this.session = new Session(config.directory(), new TrustingProvider(sslContext(config)));
    session.networkSettings().setTimeout(Duration.ofSeconds(30));
  }

  /**
   * The certificate for {@code host}: an order under way (stored) is finished, else a new one is placed; the result
   * is stored before it is returned.
   *
   * @param challenges the types to answer, the preferred first
   * @param verify     checks the issued certificate before it is stored (throws IllegalArgumentException)
   */
  Stored obtain(String host, List<Challenge> challenges, AcmeStore store, Responder responder,
      Consumer<Stored> verify) throws AcmeFailure, InterruptedException {
    try {
      Login account = login(store);
      Order order = null;
      KeyPair key = null;
      Optional<PendingOrder> pending = store.pendingOrder(host);
      if (pending.isPresent()) {
        try {
          order = account.bindOrder(pending.get().order());
          order.fetch();
          key = keyPair(pending.get().keyPem());
          if (order.getStatus() == Status.INVALID || order.getStatus() == Status.UNKNOWN
              || order.getExpires().map(e -> e.isBefore(Instant.now())).orElse(false)) {
            order = null; // failed or expired: a new one
          } else {
            LOG.info("acme {}: resuming the order {} placed before (by this replica or the previous Lease holder)",
                host, order.getLocation());
          }
        } catch (AcmeServerException | IOException e) {
          order = null; // gone at the CA (another account's, or purged): a new one
        }
      }
      if (order == null) {
        key = Keys.ec();
        order = account.newOrder().domain(host).create();
        store.savePendingOrder(host, new PendingOrder(order.getLocation(), pem(key)));
      }
      if (order.getStatus() == Status.PENDING) {
        for (Authorization auth : order.getAuthorizations()) {
          authorize(host, auth, challenges, responder);
        }
      }
      Status status = order.getStatus();
      if (status == Status.PENDING || status == Status.READY) {
        status = order.waitUntilReady(ORDER_TIMEOUT);
        if (status != Status.READY) {
          throw failure(host, "the order is " + status.name().toLowerCase(), order.getError().map(Object::toString));
        }
        order.execute(key);
      }
      status = order.waitForCompletion(ORDER_TIMEOUT);
      if (status != Status.VALID) {
        throw failure(host, "the order is " + status.name().toLowerCase() + " after finalizing",
            order.getError().map(Object::toString));
      }
      Certificate certificate = order.getCertificate();
      StringWriter chain = new StringWriter();
      certificate.writeCertificate(chain); // leaf and intermediates: clients do not fetch intermediates themselves
      Stored stored = new Stored(chain.toString(), pkcs8(key));
      try {
        verify.accept(stored);
      } catch (IllegalArgumentException e) {
        throw new AcmeFailure(host + ": the CA's certificate is not used (the stored one stays): " + e.getMessage(),
            null, e);
      }
      store.saveCertificate(host, stored);
      return stored;
    } catch (IOException e) {
      throw new AcmeFailure("storage (" + store.describe() + "): " + e.getMessage(), null, e);
    } catch (AcmeException e) {
      throw describe(e);
    } catch (AcmeLazyLoadingException e) { // a resource fetched on first use: the CA's answer is its cause
      if (e.getCause() instanceof AcmeException cause) {
        throw describe(cause);
      }
      throw e;
    }
  }

  /**
   * The CA's suggested renewal window for {@code leaf} (RFC 9773), or null when it offers none or cannot be asked.
   */
  Instant[] renewalWindow(AcmeStore store, X509Certificate leaf) throws InterruptedException {
    try {
      if (session.resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
        return null;
      }
      RenewalInfo info = login(store).bindRenewalInfo(leaf);
      return new Instant[] {info.getSuggestedWindowStart(), info.getSuggestedWindowEnd()};
    } catch (AcmeException | IOException | RuntimeException e) {
      return null; // ARI is advice: without it the configured schedule stands
    }
  }

  private void authorize(String host, Authorization auth, List<Challenge> types, Responder responder)
      throws AcmeException, AcmeFailure, InterruptedException {
    if (auth.getStatus() == Status.VALID) {
      return; // the CA reuses an authorization it validated before
    }
    for (Challenge type : types) {
      Optional<? extends TokenChallenge> c = type == Challenge.HTTP_01 ? auth.findChallenge(Http01Challenge.class)
          : auth.findChallenge(TlsAlpn01Challenge.class);
      if (c.isPresent()) {
        responder.serve(host, new AcmeStore.Answer(type, c.get().getAuthorization()));
        try {
          complete(host, type, c.get());
        } finally {
          responder.withdraw(host);
        }
        return;
      }
    }
    throw failure(host, "the CA offers none of the challenges " + types.stream().map(Challenge::type).toList()
        + " for it", Optional.empty());
  }

  private static void complete(String host, Challenge type, org.shredzone.acme4j.challenge.Challenge challenge)
      throws AcmeException, AcmeFailure, InterruptedException {
    if (challenge.getStatus() == Status.PENDING) {
      challenge.trigger(); // one the previous Lease holder triggered is being validated: it is only waited for
    }
    Status status = challenge.waitForCompletion(ORDER_TIMEOUT);
    if (status != Status.VALID) {
      throw failure(host, type.type() + " " + (status == Status.INVALID ? "failed" : "is still " + status.name()
          .toLowerCase()), challenge.getError().map(p -> p.getDetail().orElse(p.getType().toString())));
    }
  }

  private Login login(AcmeStore store) throws AcmeException, IOException {
    if (login == null) {
      Optional<String> stored = store.accountKey();
      KeyPair key;
      if (stored.isPresent()) {
        key = keyPair(stored.get());
      } else {
        key = Keys.ec();
        store.saveAccountKey(pem(key));
      }
      // a second newAccount with the same key finds the account the CA has: no duplicate
      AccountBuilder account = new AccountBuilder().addEmail(config.email()).agreeToTermsOfService().useKeyPair(key);
      if (config.externalAccountBinding() != null) {
        account.withKeyIdentifier(config.externalAccountBinding().keyId(), config.externalAccountBinding().hmacKey());
      }
      login = account.createLogin(session);
    }
    return login;
  }

  private static AcmeFailure failure(String host, String what, Optional<String> detail) {
    return new AcmeFailure(host + ": " + what + detail.map(d -> ": " + d).orElse(""), null, null);
  }

  /** The CA's answer in one line, with when it said to come back. */
  private AcmeFailure describe(AcmeException e) {
    if (e instanceof AcmeRateLimitedException limited) {
      return new AcmeFailure("rate limited by the CA: " + detail(limited), limited.getRetryAfter().orElse(null), e);
    }
    if (e instanceof AcmeUserActionRequiredException action) {
      return new AcmeFailure("the CA asks for an action: " + detail(action)
          + action.getTermsOfServiceUri().map(u -> " (new terms of service: " + u + ")").orElse(""), null, e);
    }
    if (e instanceof AcmeServerException server) {
      return new AcmeFailure("the CA refused: " + detail(server), null, e);
    }
    if (e instanceof AcmeRetryAfterException retry) {
      return new AcmeFailure("the CA is not done: " + e.getMessage(), retry.getRetryAfter(), e);
    }
    if (e instanceof AcmeNetworkException) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return new AcmeFailure("cannot reach the CA at " + config.directory() + ": " + cause, null, e);
    }
    return new AcmeFailure(e.getMessage(), null, e);
  }

  private static String detail(AcmeServerException e) {
    return e.getProblem().getDetail().orElse(e.getProblem().getType().toString());
  }

  /** A certificate's key as served: PKCS#8 {@code PRIVATE KEY}, which every TLS server reads. */
  static String pkcs8(KeyPair key) {
    return pemBlock("PRIVATE KEY", key.getPrivate().getEncoded());
  }

  /**
   * A key pair as stored (the account's, an order's under way): PKCS#8 and X.509 PEM, which the JDK reads back. Not
   * acme4j's KeyPairUtils: it writes a JDK EC key without its public key (the JDK's encoding leaves it out) and then
   * cannot read it, so that after the first attempt or a restart every order failed on the stored account key.
   */
  static String pem(KeyPair key) {
    return pkcs8(key) + pemBlock("PUBLIC KEY", key.getPublic().getEncoded());
  }

  /** A key pair {@link #pem} wrote (an EC one, from {@link Keys}). */
  static KeyPair keyPair(String pem) throws IOException {
    try {
      KeyFactory ec = KeyFactory.getInstance("EC");
      return new KeyPair(ec.generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY"))),
          ec.generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY"))));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("a stored key cannot be read: " + e.getMessage(), e);
    }
  }

  private static String pemBlock(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] der(String pem, String type) throws IOException {
    String begin = "-----BEGIN " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf("-----END " + type + "-----");
    if (from < 0 || to < from) {
      throw new IOException("a stored key has no " + type);
    }
    return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
  }

  /**
   * TLS for the CA's API: the JDK's trust, or only {@code acme.caCertificates} (a private CA's root) when given.
   *
   * @throws IOException when caCertificates cannot be read or holds no certificate
   */
  static SSLContext sslContext(AcmeConfig config) throws IOException {
    try {
      if (config.caCertificates() == null) {
        return SSLContext.getDefault();
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      try (InputStream in = Files.newInputStream(config.caCertificates())) {
        for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trust.setCertificateEntry("ca-" + n++, c);
        }
      }
      if (n == 0) {
        throw new IOException("acme.caCertificates " + config.caCertificates() + ": holds no PEM certificate");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("acme.caCertificates " + config.caCertificates() + ": " + e.getMessage(), e);
    }
  }
}
