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
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.shredzone.acme4j.toolbox.AcmeUtils;
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
  /**
   * A replica that does not order reads the store again this often: a safety net, since the store's watch brings what
   * the Lease holder stores and the Lease tells when this replica takes over.
   */
  private static final Duration FOLLOWER_RECHECK = Duration.ofMinutes(5);

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
  /**
   * Hosts no longer wanted, kept while an order of theirs runs or their backoff lasts: one that comes back (a reload
   * that moves its line, an Ingress annotated again) neither forgets its backoff nor orders beside its running order.
   */
  private final Map<String, Host> retired = new HashMap<>();
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
    AcmeRequest request; // its origin may change: the state stays
    final String notObtainable;
    ServedCertificate current;
    /** The CA's renewal window for {@code current} (RFC 9773), or null. */
    Instant[] window;
    Instant renewAt;
    /** Its stored certificate was read (or found absent or unusable): it may be ordered. */
    boolean loaded;
    /** A read or an order of it runs on the worker. */
    boolean busy;
    boolean ordering;
    int failures;
    String lastError;
    Instant nextAttempt;
    /** After a read of the store that failed (not: found nothing): when to read again. */
    int readFailures;
    Instant nextRead;

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
      hosts.values().forEach(h -> {
        if (h.current != null) {
          h.renewAt = renewAt(h, next); // renewBefore may have changed
        }
      });
      schedule();
      return;
    }
    if (store != null) {
      store.close();
    }
    store = nextStore;
    client = null;
    hosts.clear();
    retired.clear();
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

  /**
   * The hosts wanted now (on the control context): new ones are loaded from the store, gone ones dropped (their state
   * kept a while, see {@link #retired}); a host asked for by another origin keeps its state.
   */
  public void follow(List<AcmeRequest> wanted) {
    if (config == null) {
      return;
    }
    Map<String, AcmeRequest> byHost = new LinkedHashMap<>();
    wanted.forEach(r -> byHost.putIfAbsent(r.host(), r));
    boolean dropped = false;
    for (Iterator<Host> it = hosts.values().iterator(); it.hasNext(); ) {
      Host h = it.next();
      if (!byHost.containsKey(h.request.host())) {
        it.remove();
        retired.put(h.request.host(), h);
        dropped = true;
      }
    }
    Instant now = Instant.now();
    retired.values().removeIf(h -> !h.busy && (h.nextAttempt == null || !h.nextAttempt.isAfter(now)));
    for (AcmeRequest r : byHost.values()) {
      Host h = hosts.get(r.host());
      if (h == null) {
        h = retired.remove(r.host());
        if (h == null) {
          h = new Host(r);
        }
        hosts.put(r.host(), h);
        if (h.notObtainable == null && !h.loaded && !h.busy) {
          load(h);
        }
      }
      h.request = r;
    }
    if (dropped) {
      publish();
    }
    publishAnswers(); // the stored answers served are those of the hosts wanted
    schedule();
  }

  /**
   * Whether this replica may order changed (on the control context): it listens now (a challenge can be answered),
   * or the Lease moved (with Kubernetes). The hosts are read again first (a new holder, what the old one stored).
   */
  public void mayOrderChanged() {
    if (config == null) {
      return;
    }
    loadAll();
  }

  private void loadAll() {
    hosts.values().stream().filter(h -> h.notObtainable == null && !h.busy).forEach(this::load);
  }

  private void storedChanged(AcmeStore from, String host) {
    Host h = hosts.get(host);
    if (from == store && h != null && !h.busy && h.notObtainable == null) {
      load(h);
    }
  }

  /**
   * Reads the host's stored certificate on the worker and serves it when it is good. A read that fails (the API
   * server throttles, a disk error) is tried again later: only a certificate absent or unusable is ordered.
   */
  private void load(Host h) {
    h.busy = true;
    AcmeStore from = store;
    AcmeConfig cfg = config;
    AcmeClient ca = mayOrder.getAsBoolean() ? clientOrNull() : null;
    String host = h.request.host();
    Future<Loaded> read = worker.executeBlocking(() -> {
      Optional<Stored> s = from.certificate(host);
      if (s.isEmpty()) {
        return null;
      }
      ServedCertificate c = check(host, s.get());
      return new Loaded(c, ca == null ? null : ca.renewalWindow(from, c.leaf()), false);
    }, false);
    read.onComplete(ar -> context.runOnContext(v -> {
      h.busy = false;
      if (from != store) {
        return; // another store now: its hosts are read anew
      }
      if (ar.failed() && ar.cause() instanceof IOException) {
        h.readFailures++;
        h.lastError = "cannot read the stored certificate: " + ar.cause().getMessage();
        Instant now = Instant.now();
        h.nextRead = now.plus(Renewal.backoff(h.readFailures, cfg.retryBackoff(), null, now, random.nextDouble()));
        LOG.warn("acme {}: {}; read again at {}, nothing is ordered meanwhile", host, h.lastError, h.nextRead);
      } else {
        h.loaded = true;
        h.readFailures = 0;
        h.nextRead = null;
        if (ar.failed()) {
          LOG.warn("acme {}: the stored certificate is not used: {}", host, describe(ar.cause()));
        } else if (ar.result() != null) {
          serve(h, ar.result(), cfg);
        }
      }
      schedule();
    }));
  }

  /** @param obtained whether an order got it (else: it was read from the store) */
  private record Loaded(ServedCertificate certificate, Instant[] window, boolean obtained) {}

  private ServedCertificate check(String host, Stored s) {
    return CertificateLoader.fromPem(List.of(host), s.chainPem(), s.keyPem(), "acme " + host,
        Certificates.NONE, Instant.now());
  }

  private Instant renewAt(Host h, AcmeConfig cfg) {
    X509Certificate leaf = h.current.leaf();
    return Renewal.renewAt(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), cfg.renewBefore(),
        h.window == null ? null : h.window[0], h.window == null ? null : h.window[1], random.nextDouble());
  }

  private void serve(Host h, Loaded loaded, AcmeConfig cfg) {
    boolean obtained = loaded.obtained();
    boolean renewed = h.current != null && obtained;
    boolean isNew = h.current == null || !h.current.leaf().equals(loaded.certificate().leaf());
    h.current = loaded.certificate();
    h.window = loaded.window();
    X509Certificate leaf = h.current.leaf();
    h.renewAt = renewAt(h, cfg);
    if (obtained) {
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
    if (config == null) {
      return; // off, or closed
    }
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
      if (h.notObtainable == null && !h.busy && !h.loaded && h.nextRead != null) {
        if (!h.nextRead.isAfter(now)) {
          load(h);
        } else if (next == null || h.nextRead.isBefore(next)) {
          next = h.nextRead;
        }
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
          loadAll();
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
    AcmeConfig cfg = config;
    AcmeClient ca;
    try {
      ca = client();
    } catch (IllegalStateException e) { // caCertificates unreadable since the config was checked
      failed(h, cfg, e);
      schedule();
      return;
    }
    h.busy = true;
    h.ordering = true;
    AcmeStore into = store;
    String host = h.request.host();
    ServedCertificate known = h.current;
    // after a failure the next type goes first: a port 80 that is firewalled off does not fail every attempt
    List<Challenge> types = new ArrayList<>(cfg.challenges());
    Collections.rotate(types, -(h.failures % types.size()));
    LOG.info("acme {}: ordering a certificate from {} ({})", host, cfg.directory(),
        String.join(", ", types.stream().map(Challenge::type).toList()));
    Future<Loaded> done = worker.executeBlocking(() -> {
      // another replica (a Lease holder that lost the Lease late) may have stored one since this one read the store
      Loaded stored = storedSince(into, ca, host, known, cfg);
      if (stored != null) {
        return stored;
      }
      // checked before it is stored: a chain that does not fit never replaces a good stored one
      Stored s = ca.obtain(host, types, into, responder(into), got -> check(host, got));
      ServedCertificate c = check(host, s);
      return new Loaded(c, ca.renewalWindow(into, c.leaf()), true);
    }, false);
    done.onComplete(ar -> context.runOnContext(v -> {
      h.busy = false;
      h.ordering = false;
      if (ar.succeeded() && ar.result().obtained()) {
        ordersSucceeded.incrementAndGet(); // counted even when the config moved on meanwhile: the CA issued it
      }
      if (into != store) {
        schedule();
        return;
      }
      // a retired host keeps the result too: it is not ordered again when it comes back
      if (ar.succeeded()) {
        serve(h, ar.result(), cfg);
      } else {
        failed(h, cfg, ar.cause());
      }
      schedule();
    }));
  }

  /** The stored certificate when it is another than {@code known} and not due yet, else null. On the worker. */
  private Loaded storedSince(AcmeStore from, AcmeClient ca, String host, ServedCertificate known, AcmeConfig cfg)
      throws IOException, InterruptedException {
    Optional<Stored> s = from.certificate(host);
    if (s.isEmpty()) {
      return null;
    }
    ServedCertificate c;
    try {
      c = check(host, s.get());
    } catch (IllegalArgumentException e) {
      return null; // unusable: ordered anew
    }
    if (known != null && known.leaf().equals(c.leaf())) {
      return null;
    }
    Instant[] window = ca.renewalWindow(from, c.leaf());
    X509Certificate leaf = c.leaf();
    Instant due = Renewal.renewAt(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), cfg.renewBefore(),
        window == null ? null : window[0], window == null ? null : window[1], 0.5);
    return due.isAfter(Instant.now()) ? new Loaded(c, window, false) : null;
  }

  private void failed(Host h, AcmeConfig cfg, Throwable cause) {
    ordersFailed.incrementAndGet();
    h.failures++;
    h.lastError = describe(cause);
    Instant now = Instant.now();
    h.nextAttempt = now.plus(Renewal.backoff(h.failures, cfg.retryBackoff(),
        cause instanceof AcmeFailure f ? f.retryAfter() : null, now, random.nextDouble()));
    LOG.warn("acme {}: order failed ({} in a row), next attempt at {}{}: {}", h.request.host(), h.failures,
        h.nextAttempt, h.current != null ? ", the current certificate keeps serving" : "", h.lastError);
  }

  private static String describe(Throwable e) {
    return e instanceof AcmeFailure || e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
  }

  /** The client, or null when it cannot be made now (then the CA's renewal window is not asked). */
  private AcmeClient clientOrNull() {
    try {
      return client();
    } catch (IllegalStateException e) {
      return null;
    }
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
    Map<String, Answer> byHost = new HashMap<>();
    storedAnswers.forEach((host, a) -> {
      if (hosts.containsKey(host)) { // what another writer of the Secrets stored for other names is not answered
        byHost.put(host, a);
      }
    });
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
    X509Certificate certificate = SelfSigned.tlsAlpn01(key, host, AcmeUtils.sha256hash(answer.keyAuthorization()));
    return new ServedCertificate("edgeport-acme-validation-" + host, new CertificateConfig(List.of(host), null, null,
        false, "acme tls-alpn-01 " + host), new X509Certificate[] {certificate}, key.getPrivate(), List.of(host),
        new byte[0]);
  }

  /** On the ACME worker: polls until the listeners serve an answer (a rebuild takes milliseconds). */
  private static void await(BooleanSupplier live, String what) throws InterruptedException {
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
          : h.current != null ? (h.ordering ? "renewing" : "valid")
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
    config = null; // what still completes on the worker schedules nothing more
    vertx.cancelTimer(timer);
    if (store != null) {
      store.close();
      store = null;
    }
    worker.close();
  }
}
