package io.edgeport.acme;

import io.edgeport.acme.AcmeStore.Answer;
import io.edgeport.acme.AcmeStore.Stored;
import io.edgeport.config.AcmeConfig;
import io.edgeport.config.AcmeConfig.Challenge;
import io.edgeport.config.CertificateConfig;
import io.edgeport.model.AcmeRequest;
import io.edgeport.tls.CertificateLoader;
import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates edgeport obtains itself: for each wanted host, the stored certificate when it is still good, else
 * an order; a renewal when it is due; after a failure, a later attempt (exponential backoff with jitter, the CA's
 * Retry-After honoured), the current certificate served meanwhile. Orders run on one worker thread of their own;
 * everything else runs on the control context, and the request path only reads what a generation holds.
 */
public final class AcmeManager {
  private static final Logger LOG = LoggerFactory.getLogger("io.edgeport.Edgeport");
  /** A due time further away than this is looked at again then (a clock step, a suspended host). */
  private static final long MAX_TIMER_MILLIS = TimeUnit.HOURS.toMillis(1);
  /** How long an answer may take to be served by the listeners before the order gives up. */
  private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(10);
  /** A replica that does not order reads the store this often (and notices when it may order). */
  private static final Duration FOLLOWER_RECHECK = Duration.ofSeconds(30);

  /** A host as status shows it. */
  public record HostView(String host, String origin, String state, String issuer, Instant notAfter, Instant renewAt,
      String lastError, Instant nextAttempt, int failures) {}

  /** What is live on the listeners: the answers to challenges. */
  public interface Served {
    boolean http01(String token, String keyAuthorization);

    boolean tlsAlpn01(String host, ServedCertificate certificate);
  }

  /**
   * The challenges answered now, published whole: this replica's own orders' and, from a shared store, the Lease
   * holder's ({@code stored}: what the store showed last), with the HTTP-01 tokens and TLS-ALPN-01 certificates they
   * make.
   */
  private record Answers(Map<String, Answer> byHost, Map<String, Answer> stored, Map<String, String> tokens,
      Map<String, ServedCertificate> validation) {
    static final Answers NONE = new Answers(Map.of(), Map.of(), Map.of(), Map.of());
  }

  private final Vertx vertx;
  private final Context context;
  private final Runnable changed;
  private final Served served;
  private final Random random = new Random();
  private final WorkerExecutor worker;
  private final ServedCertificate placeholder = SelfSigned.placeholder();
  private final AtomicLong ordersSucceeded = new AtomicLong();
  private final AtomicLong ordersFailed = new AtomicLong();
  private final AtomicLong renewals = new AtomicLong();
  // control context
  private AcmeConfig config;
  private AcmeStore store;
  private AcmeClient client;
  private BooleanSupplier mayOrder = () -> true;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private long timer = -1;
  private Instant timerAt;
  private final Map<String, Answer> ownAnswers = new HashMap<>();
  private final Map<String, Answer> storedAnswers = new HashMap<>();
  /** Made once per answer: a new key and certificate per rebuild would change the generation each time. */
  private final Map<Answer, ServedCertificate> validationCertificates = new HashMap<>();
  // read by the generation builder on the control context and by the worker's waits, published whole
  private volatile Answers answers = Answers.NONE;
  private volatile List<HostView> views = List.of();
  private List<ServedCertificate> certificates = List.of();

  /** A wanted host's state; on the control context. */
  private static final class Host {
    final AcmeRequest request;
    final String notObtainable;
    ServedCertificate current;
    Instant renewAt;
    boolean loaded;
    boolean busy;
    int failures;
    String lastError;
    Instant nextAttempt;

    Host(AcmeRequest request) {
      this.request = request;
      this.notObtainable = AcmeHosts.notObtainable(request.host());
    }
  }

  /**
   * @param changed runs on the control context when what is served changed (a certificate, a challenge's answer)
   * @param served  tells whether an answer is live yet (the generation built after {@code changed} holds it)
   */
  public AcmeManager(Vertx vertx, Context context, Runnable changed, Served served) {
    this.vertx = vertx;
    this.context = context;
    this.changed = changed;
    this.served = served;
    this.worker = vertx.createSharedWorkerExecutor("edgeport-acme", 1, AcmeClient.ORDER_TIMEOUT.toMinutes() * 4 + 5,
        TimeUnit.MINUTES);
  }

  /**
   * What {@code config} cannot work with, one line each: an unreadable caCertificates, a storage directory that
   * cannot be written. Blocking (files).
   */
  public static List<String> problems(AcmeConfig config, boolean kubernetes) {
    List<String> out = new ArrayList<>();
    if (config == null) {
      return out;
    }
    try {
      AcmeClient.sslContext(config);
    } catch (IOException e) {
      out.add(e.getMessage().startsWith("acme.") ? e.getMessage()
          : "acme.caCertificates " + config.caCertificates() + ": cannot be read: " + e.getMessage());
    }
    if (!kubernetes) {
      String p = FileStore.problem(config.storage());
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Follows a config (on the control context): null turns ACME off. A change of CA, account or storage starts
   * over from the store.
   *
   * @param mayOrder whether this replica orders now (with Kubernetes: it holds the Lease)
   */
  public void configure(AcmeConfig next, AcmeStore nextStore, BooleanSupplier nextMayOrder) {
    // a store equal to the current one keeps the hosts' state (a reload); another (a new Kubernetes source) reads anew
    boolean same = next != null && config != null && sameAccount(next, config) && nextStore.equals(store);
    config = next;
    mayOrder = nextMayOrder;
    if (same) {
      nextStore.close();
      schedule();
      return;
    }
    if (store != null) {
      store.close();
    }
    store = nextStore;
    client = null;
    hosts.clear();
    storedAnswers.clear();
    if (store != null) {
      AcmeStore watched = store;
      store.watch(new AcmeStore.Watcher() {
        @Override
        public void certificateChanged(String host) {
          context.runOnContext(v -> storedChanged(watched, host));
        }

        @Override
        public void answerChanged(String host, Answer answer) {
          context.runOnContext(v -> {
            if (watched == store) {
              if (answer == null) {
                storedAnswers.remove(host);
              } else {
                storedAnswers.put(host, answer);
              }
              publishAnswers();
            }
          });
        }
      });
    }
    publishAnswers();
    publish();
  }

  private static boolean sameAccount(AcmeConfig a, AcmeConfig b) {
    return a.directory().equals(b.directory()) && a.email().equals(b.email())
        && Objects.equals(a.caCertificates(), b.caCertificates())
        && Objects.equals(a.externalAccountBinding(), b.externalAccountBinding())
        && a.storage().equals(b.storage()) && Objects.equals(a.namespace(), b.namespace());
  }

  /** The hosts wanted now (on the control context): new ones are loaded from the store, gone ones dropped. */
  public void follow(List<AcmeRequest> wanted) {
    if (config == null) {
      return;
    }
    Map<String, AcmeRequest> byHost = new LinkedHashMap<>();
    wanted.forEach(r -> byHost.putIfAbsent(r.host(), r));
    boolean dropped = hosts.keySet().retainAll(byHost.keySet());
    for (AcmeRequest r : byHost.values()) {
      Host h = hosts.get(r.host());
      if (h == null || !h.request.equals(r)) {
        Host fresh = new Host(r);
        if (h != null) { // another origin asks now: what was obtained stays
          fresh.current = h.current;
          fresh.renewAt = h.renewAt;
          fresh.loaded = h.loaded;
        }
        hosts.put(r.host(), fresh);
        if (fresh.notObtainable == null && !fresh.loaded) {
          load(fresh);
        }
      }
    }
    if (dropped) {
      publish();
    }
    schedule();
  }

  /** Leadership moved (with Kubernetes): the new holder first reads what the old one stored, then orders. */
  public void leadershipChanged() {
    if (config == null) {
      return;
    }
    hosts.values().stream().filter(h -> h.notObtainable == null && !h.busy).forEach(this::load);
  }

  private void storedChanged(AcmeStore from, String host) {
    Host h = hosts.get(host);
    if (from == store && h != null && !h.busy && h.notObtainable == null) {
      load(h);
    }
  }

  /** Reads the host's stored certificate on the worker and serves it when it is good. */
  private void load(Host h) {
    h.busy = true;
    AcmeStore from = store;
    AcmeConfig cfg = config;
    boolean lookUpAri = mayOrder.getAsBoolean();
    AcmeClient ca = lookUpAri ? client() : null;
    Future<Loaded> read = worker.executeBlocking(() -> {
      java.util.Optional<Stored> s = from.certificate(h.request.host());
      if (s.isEmpty()) {
        return null;
      }
      ServedCertificate c = check(h.request.host(), s.get());
      Instant[] window = ca == null ? null : ca.renewalWindow(from, c.leaf());
      return new Loaded(c, window);
    }, false);
    read.onComplete(ar -> context.runOnContext(v -> {
      h.busy = false;
      if (from != store || hosts.get(h.request.host()) != h) {
        return; // the config or the wanted hosts changed meanwhile
      }
      h.loaded = true;
      if (ar.failed()) {
        LOG.warn("acme {}: the stored certificate is not used: {}", h.request.host(), describe(ar.cause()));
      } else if (ar.result() != null) {
        serve(h, ar.result(), cfg, false);
      }
      schedule();
    }));
  }

  private record Loaded(ServedCertificate certificate, Instant[] window) {}

  private ServedCertificate check(String host, Stored s) {
    return CertificateLoader.fromPem(List.of(host), s.chainPem(), s.keyPem(), "acme " + host,
        Certificates.NONE, Instant.now());
  }

  private void serve(Host h, Loaded loaded, AcmeConfig cfg, boolean obtained) {
    boolean renewed = h.current != null && obtained;
    boolean isNew = h.current == null || !h.current.leaf().equals(loaded.certificate().leaf());
    h.current = loaded.certificate();
    X509Certificate leaf = h.current.leaf();
    h.renewAt = Renewal.renewAt(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), cfg.renewBefore(),
        loaded.window() == null ? null : loaded.window()[0], loaded.window() == null ? null : loaded.window()[1],
        random.nextDouble());
    if (obtained) {
      ordersSucceeded.incrementAndGet();
      if (renewed) {
        renewals.incrementAndGet();
      }
      h.failures = 0;
      h.lastError = null;
      h.nextAttempt = null;
    }
    if (isNew) {
      LOG.info("acme {}: {} certificate from {}, valid until {}, renewal at {}", h.request.host(),
          obtained ? (renewed ? "renewed" : "new") : "stored", leaf.getIssuerX500Principal().getName(),
          leaf.getNotAfter().toInstant(), h.renewAt);
      publish();
    } else {
      publishViews();
    }
  }

  /** Starts what is due and sets one timer for the next due time. */
  private void schedule() {
    Instant now = Instant.now();
    Instant next = null;
    boolean ordering = mayOrder.getAsBoolean();
    for (Host h : hosts.values()) {
      if (h.notObtainable == null && !ordering) {
        // another replica orders (with Kubernetes: the Lease holder): read what it stored, and look again later
        // (this replica may take the Lease over)
        Instant recheck = now.plus(FOLLOWER_RECHECK);
        next = next == null || recheck.isBefore(next) ? recheck : next;
        continue;
      }
      if (h.notObtainable != null || h.busy || !h.loaded) {
        continue;
      }
      Instant due = due(h, now);
      if (!due.isAfter(now)) {
        order(h);
      } else if (next == null || due.isBefore(next)) {
        next = due;
      }
    }
    publishViews();
    if (next != null && (timerAt == null || next.isBefore(timerAt))) { // a timer early is harmless: it looks again
      vertx.cancelTimer(timer);
      timerAt = next;
      long delay = Math.min(MAX_TIMER_MILLIS, Math.max(1, Duration.between(now, next).toMillis()));
      timer = vertx.setTimer(delay, id -> context.runOnContext(v -> {
        timerAt = null;
        if (config != null && !mayOrder.getAsBoolean()) {
          hosts.values().stream().filter(h -> h.notObtainable == null && !h.busy).forEach(this::load);
        }
        schedule();
      }));
    }
  }

  private static Instant due(Host h, Instant now) {
    if (h.nextAttempt != null) {
      return h.nextAttempt; // after a failure: the backoff (a renewal stays due until it works)
    }
    return h.current == null ? now : h.renewAt;
  }

  private void order(Host h) {
    h.busy = true;
    AcmeStore into = store;
    AcmeConfig cfg = config;
    AcmeClient ca = client();
    String host = h.request.host();
    // after a failure the next type goes first: a port 80 that is firewalled off does not fail every attempt
    List<Challenge> types = new ArrayList<>(cfg.challenges());
    java.util.Collections.rotate(types, -(h.failures % types.size()));
    LOG.info("acme {}: ordering a certificate from {} ({})", host, cfg.directory(),
        String.join(", ", types.stream().map(Challenge::type).toList()));
    Future<Loaded> done = worker.executeBlocking(() -> {
      Stored s = ca.obtain(host, types, into, responder(into));
      ServedCertificate c = check(host, s);
      return new Loaded(c, ca.renewalWindow(into, c.leaf()));
    }, false);
    done.onComplete(ar -> context.runOnContext(v -> {
      h.busy = false;
      if (into != store || hosts.get(host) != h) {
        schedule();
        return;
      }
      if (ar.succeeded()) {
        serve(h, ar.result(), cfg, true);
      } else {
        ordersFailed.incrementAndGet();
        h.failures++;
        h.lastError = describe(ar.cause());
        Instant now = Instant.now();
        h.nextAttempt = now.plus(Renewal.backoff(h.failures, cfg.retryBackoff(),
            ar.cause() instanceof AcmeFailure f ? f.retryAfter() : null, now, random.nextDouble()));
        LOG.warn("acme {}: order failed ({} in a row), next attempt at {}{}: {}", host, h.failures, h.nextAttempt,
            h.current != null ? ", the current certificate keeps serving" : "", h.lastError);
      }
      schedule();
    }));
  }

  private static String describe(Throwable e) {
    return e instanceof AcmeFailure || e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
  }

  private AcmeClient client() {
    if (client == null) {
      try {
        client = new AcmeClient(config);
      } catch (IOException e) {
        throw new IllegalStateException(e.getMessage(), e); // checked before the config was applied
      }
    }
    return client;
  }

  /**
   * Answers go live through a new generation; the worker waits (bounded) until it serves them. In a shared store the
   * answer is kept too, since the CA's validation may reach any replica, and the wait lasts until the store's watch
   * brought it back (the other replicas' watches see it as soon).
   */
  private AcmeClient.Responder responder(AcmeStore into) {
    return new AcmeClient.Responder() {
      @Override
      public void serve(String host, Answer answer) throws InterruptedException {
        boolean everywhere = into.shared();
        if (everywhere) {
          try {
            into.saveAnswer(host, answer);
          } catch (IOException e) {
            everywhere = false;
            LOG.warn("acme {}: only this replica answers the {} challenge (it cannot be stored: {})", host,
                answer.type().type(), e.getMessage());
          }
        }
        context.runOnContext(v -> {
          ownAnswers.put(host, answer);
          publishAnswers();
        });
        boolean shared = everywhere;
        await(() -> {
          Answers now = answers;
          return answer.equals(now.byHost().get(host)) && (!shared || answer.equals(now.stored().get(host)))
              && (answer.type() == Challenge.HTTP_01 ? served.http01(answer.token(), answer.keyAuthorization())
                  : served.tlsAlpn01(host, now.validation().get(host)));
        }, "the " + answer.type().type() + " answer");
      }

      @Override
      public void withdraw(String host) {
        if (into.shared()) {
          try {
            into.saveAnswer(host, null);
          } catch (IOException e) {
            LOG.warn("acme {}: the answer stays stored (harmless: it answers no other challenge): {}", host,
                e.getMessage());
          }
        }
        context.runOnContext(v -> {
          ownAnswers.remove(host);
          publishAnswers();
        });
      }
    };
  }

  /** Publishes the answers served now (own ones first) and rebuilds; on the control context. */
  private void publishAnswers() {
    Map<String, Answer> byHost = new HashMap<>(storedAnswers);
    byHost.putAll(ownAnswers);
    validationCertificates.keySet().retainAll(byHost.values());
    Map<String, String> tokens = new HashMap<>();
    Map<String, ServedCertificate> validation = new HashMap<>();
    byHost.forEach((host, a) -> {
      if (a.type() == Challenge.HTTP_01) {
        tokens.put(a.token(), a.keyAuthorization());
      } else {
        validation.put(host, validationCertificates.computeIfAbsent(a, x -> validationCertificate(host, x)));
      }
    });
    Answers next = new Answers(Map.copyOf(byHost), Map.copyOf(storedAnswers), Map.copyOf(tokens),
        Map.copyOf(validation));
    if (!next.equals(answers)) {
      answers = next;
      changed.run();
    }
  }

  /** RFC 8737: a self-signed certificate for the host whose acmeIdentifier is the key authorization's SHA-256. */
  private static ServedCertificate validationCertificate(String host, Answer answer) {
    KeyPair key = Keys.ec();
    X509Certificate certificate = SelfSigned.tlsAlpn01(key, host, sha256(answer.keyAuthorization()));
    return new ServedCertificate("edgeport-acme-validation-" + host, new CertificateConfig(List.of(host), null, null,
        false, "acme tls-alpn-01 " + host), new X509Certificate[] {certificate}, key.getPrivate(), List.of(host),
        new byte[0]);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JDK", e);
    }
  }

  /** On the ACME worker: polls until the listeners serve an answer (a rebuild takes milliseconds). */
  private static void await(java.util.function.BooleanSupplier live, String what) throws InterruptedException {
    long deadline = System.nanoTime() + SERVE_TIMEOUT.toNanos();
    while (!live.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " was not served within " + SERVE_TIMEOUT.toSeconds() + "s");
      }
      Thread.sleep(5);
    }
  }

  private void publish() {
    List<ServedCertificate> out = new ArrayList<>();
    hosts.values().forEach(h -> {
      if (h.current != null) {
        out.add(h.current);
      }
    });
    certificates = List.copyOf(out);
    publishViews();
    changed.run();
  }

  private void publishViews() {
    List<HostView> out = new ArrayList<>();
    boolean ordering = config != null && mayOrder.getAsBoolean();
    for (Host h : hosts.values()) {
      String state = h.notObtainable != null ? "not obtainable"
          : h.current != null ? (h.busy && h.loaded ? "renewing" : "valid")
          : !h.loaded ? "loading" : h.busy ? "ordering" : !ordering ? "pending: another replica orders"
          : h.lastError != null ? "pending: the last order failed" : "pending";
      X509Certificate leaf = h.current == null ? null : h.current.leaf();
      out.add(new HostView(h.request.host(), h.request.origin(), state,
          leaf == null ? null : leaf.getIssuerX500Principal().getName(),
          leaf == null ? null : leaf.getNotAfter().toInstant(), h.current == null ? null : h.renewAt,
          h.notObtainable != null ? h.notObtainable : h.lastError, h.nextAttempt, h.failures));
    }
    views = List.copyOf(out);
  }

  /** The certificates obtained, for the generation: the same list until one changes. */
  public List<ServedCertificate> certificates() {
    return certificates;
  }

  /** Served when no configured certificate is the default and a host has no certificate yet; null when ACME is off. */
  public ServedCertificate placeholder() {
    return config == null ? null : placeholder;
  }

  /** HTTP-01: token → key authorization, for the orders under way. */
  public Map<String, String> tokens() {
    return answers.tokens();
  }

  /** TLS-ALPN-01: host → validation certificate, for the orders under way. */
  public Map<String, ServedCertificate> validation() {
    return answers.validation();
  }

  public List<HostView> views() {
    return views;
  }

  public long ordersSucceeded() {
    return ordersSucceeded.get();
  }

  public long ordersFailed() {
    return ordersFailed.get();
  }

  public long renewals() {
    return renewals.get();
  }

  public void close() {
    vertx.cancelTimer(timer);
    if (store != null) {
      store.close();
    }
    worker.close();
  }
}
