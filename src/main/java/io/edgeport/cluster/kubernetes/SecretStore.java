package io.edgeport.cluster.kubernetes;

import io.edgeport.acme.AcmeStore;
import io.edgeport.config.AcmeConfig.Challenge;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ACME state in Secrets of one namespace, shared by every replica. Each host's certificate is a
 * {@code kubernetes.io/tls} Secret ({@link #secretName}) that tools and other controllers can read as usual; an order
 * under way is kept on the same Secret (annotation {@value #ORDER_ANNOTATION}, data {@value #ORDER_KEY}), so that one
 * update stores the certificate and clears the order: whoever reads it sees both or neither. The account key is the
 * Opaque Secret {@value #ACCOUNT_SECRET}.
 *
 * <p>Only the Lease holder writes, but a handover may leave the old holder writing for a moment: every write creates
 * only when absent and updates only the version it read (on a conflict it reads again and reapplies its change, at
 * most {@link #ATTEMPTS} times), and changes only its own keys. Blocking (API calls): used on worker threads.
 */
public final class SecretStore implements AcmeStore {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.kubernetes");
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  /** Label: {@value #CERTIFICATE} or {@value #ACCOUNT}; the watch selects on it. */
  static final String ACME_LABEL = "edgeport.io/acme";
  static final String CERTIFICATE = "certificate";
  static final String ACCOUNT = "account";
  /** The host a certificate Secret is for: read from here, not from the name (which may be shortened). */
  static final String HOST_ANNOTATION = "edgeport.io/acme-host";
  static final String ORDER_ANNOTATION = "edgeport.io/acme-order";
  /** The challenge being answered: its type, a space, the key authorization. */
  static final String ANSWER_ANNOTATION = "edgeport.io/acme-challenge";
  /** A key authorization (RFC 8555 §8.1): base64url token, a dot, base64url thumbprint. */
  private static final Pattern KEY_AUTHORIZATION = Pattern.compile("[A-Za-z0-9_-]{1,256}\\.[A-Za-z0-9_-]{1,128}");
  static final String ACCOUNT_SECRET = "edgeport-acme-account";
  static final String PREFIX = "edgeport-acme-";
  static final String TLS = "kubernetes.io/tls";
  static final String CRT = "tls.crt";
  static final String KEY = "tls.key";
  static final String ORDER_KEY = "order.key";
  static final String ACCOUNT_KEY = "account.key";
  /** A Secret's name is a DNS-1123 subdomain: at most this long. */
  static final int MAX_NAME = 253;
  /** Writes of one change, each after reading the Secret again, before a change that keeps conflicting fails. */
  static final int ATTEMPTS = 5;
  /** A lower-case DNS name (a DNS-1123 subdomain, as Secret names are). */
  private static final Pattern DNS_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final KubernetesClient client;
  private final String namespace;
  private volatile SharedIndexInformer<Secret> informer;

  public SecretStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * The Secret of {@code host}'s certificate: {@code edgeport-acme-HOST}, or for a host that would make it longer than
   * a name may be (or make it the account's) as much of that as fits, then a hash of the host (stable: every replica
   * finds the same Secret).
   */
  static String secretName(String host) {
    String name = PREFIX + host;
    if (name.length() <= MAX_NAME && !name.equals(ACCOUNT_SECRET)) {
      return name;
    }
    String hash = "-" + sha256(host).substring(0, 16);
    // a DNS-1123 label neither ends with '-' nor is empty: nothing of those before the hash
    return name.substring(0, Math.min(name.length(), MAX_NAME - hash.length())).replaceAll("[.-]+$", "") + hash;
  }

  @Override
  public Optional<String> accountKey() throws IOException {
    return text(owned(read(ACCOUNT_SECRET), ACCOUNT, null), ACCOUNT_KEY);
  }

  /**
   * Creates the account's Secret. An account key another replica stored first is kept (its pending orders belong to
   * that account): this one is then refused, and the next attempt reads that key.
   */
  @Override
  public void saveAccountKey(String keyPem) throws IOException {
    write(ACCOUNT_SECRET, current -> {
      Optional<String> stored = text(owned(current, ACCOUNT, null), ACCOUNT_KEY);
      if (stored.isPresent()) {
        if (stored.get().equals(keyPem)) {
          return null;
        }
        throw new IOException(where(ACCOUNT_SECRET) + ": another replica stored an account key first; it is used");
      }
      return with(current, ACCOUNT_SECRET, "Opaque", ACCOUNT, null, a -> { }, d -> d.put(ACCOUNT_KEY, keyPem));
    });
  }

  @Override
  public Optional<Stored> certificate(String host) throws IOException {
    Secret s = owned(read(secretName(checked(host))), CERTIFICATE, host);
    Optional<String> chain = text(s, CRT);
    Optional<String> key = text(s, KEY);
    return chain.isPresent() && key.isPresent() ? Optional.of(new Stored(chain.get(), key.get())) : Optional.empty();
  }

  @Override
  public void saveCertificate(String host, Stored certificate) throws IOException {
    writeHost(host, current -> hostSecret(current, host, a -> {
      a.remove(ORDER_ANNOTATION);
      a.remove(ANSWER_ANNOTATION);
    }, d -> {
      d.put(CRT, certificate.chainPem());
      d.put(KEY, certificate.keyPem());
      d.put(ORDER_KEY, null);
    }));
  }

  @Override
  public Optional<PendingOrder> pendingOrder(String host) throws IOException {
    Secret s = owned(read(secretName(checked(host))), CERTIFICATE, host);
    Optional<String> key = text(s, ORDER_KEY);
    String url = s == null || s.getMetadata().getAnnotations() == null ? null
        : s.getMetadata().getAnnotations().get(ORDER_ANNOTATION);
    if (url == null || key.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PendingOrder(URI.create(url.trim()).toURL(), key.get()));
    } catch (IllegalArgumentException | MalformedURLException e) {
      return Optional.empty(); // damaged: a new order
    }
  }

  /** Before the host's first certificate, creates its Secret with empty {@code tls.crt} and {@code tls.key}. */
  @Override
  public void savePendingOrder(String host, PendingOrder order) throws IOException {
    writeHost(host, current -> {
      if (order == null) {
        return current == null ? null
            : hostSecret(current, host, a -> a.remove(ORDER_ANNOTATION), d -> d.put(ORDER_KEY, null));
      }
      return hostSecret(current, host, a -> a.put(ORDER_ANNOTATION, order.order().toString()),
          d -> d.put(ORDER_KEY, order.keyPem()));
    });
  }

  @Override
  public boolean shared() {
    SharedIndexInformer<Secret> watching = informer;
    return watching != null && watching.isRunning() && watching.hasSynced();
  }

  /** What another writer of the Secrets put there is checked: only a well-formed key authorization is answered. */
  static Optional<Answer> answer(Secret s) {
    String v = s == null || s.getMetadata().getAnnotations() == null ? null
        : s.getMetadata().getAnnotations().get(ANSWER_ANNOTATION);
    String[] parts = v == null ? new String[0] : v.trim().split(" ", 2);
    if (parts.length != 2 || !KEY_AUTHORIZATION.matcher(parts[1]).matches()) {
      return Optional.empty();
    }
    for (Challenge c : Challenge.values()) {
      if (c.type().equals(parts[0])) {
        return Optional.of(new Answer(c, parts[1]));
      }
    }
    return Optional.empty();
  }

  @Override
  public void saveAnswer(String host, Answer answer) throws IOException {
    writeHost(host, current -> current == null && answer == null ? null : hostSecret(current, host, a -> {
      if (answer == null) {
        a.remove(ANSWER_ANNOTATION);
      } else {
        a.put(ANSWER_ANNOTATION, answer.type().type() + " " + answer.keyAuthorization());
      }
    }, d -> { }));
  }

  /**
   * Follows the certificate Secrets of the namespace: {@code watcher} hears of each host whose certificate or answer
   * appears or changes (those there at the start too, and this store's own writes), on fabric8's informer thread.
   * A watch that cannot start (RBAC) is logged; the store can still be read.
   */
  @Override
  public void watch(Watcher watcher) {
    close();
    SharedIndexInformer<Secret> watching = secrets().withLabel(ACME_LABEL, CERTIFICATE).runnableInformer(0);
    watching.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret s) {
        changed(null, s);
      }

      @Override
      public void onUpdate(Secret before, Secret s) {
        changed(before, s); // an order recorded or cleared changes neither the certificate nor the answer
      }

      @Override
      public void onDelete(Secret s, boolean deletedFinalStateUnknown) {
        changed(s, null); // the certificate served stays (the next order writes a new Secret); the answer goes
      }

      private void changed(Secret before, Secret after) {
        Secret s = after != null ? after : before;
        String host = s.getMetadata().getAnnotations() == null ? null
            : s.getMetadata().getAnnotations().get(HOST_ANNOTATION);
        // only edgeport's own Secret of the host: any other labelled alike is not read (its writer is not edgeport)
        if (host == null || !s.getMetadata().getName().equals(secretName(host))
            || !"edgeport".equals(s.getMetadata().getLabels().get(MANAGED_BY))) {
          return;
        }
        if (after != null && text(after, CRT).isPresent() && !Objects.equals(text(before, CRT), text(after, CRT))) {
          watcher.certificateChanged(host);
        }
        Optional<Answer> was = answer(before);
        Optional<Answer> now = answer(after);
        if (!was.equals(now)) {
          watcher.answerChanged(host, now.orElse(null));
        }
      }
    });
    informer = watching;
    watching.start().whenComplete((v, e) -> {
      if (e != null) {
        LOG.warn("acme: cannot watch the certificates in {} (another replica's are seen only when read again): {}",
            describe(), failure("watch", null, e).getMessage());
      }
    });
  }

  @Override
  public String describe() {
    return "Secrets in " + namespace;
  }

  /** The same namespace through the same client (a new Kubernetes source's client makes another store). */
  @Override
  public boolean equals(Object o) {
    return o instanceof SecretStore other && other.client == client && other.namespace.equals(namespace);
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(client) * 31 + namespace.hashCode();
  }

  /** Stops the watch; the client is its owner's (the Kubernetes source's). */
  @Override
  public void close() {
    SharedIndexInformer<Secret> watching = informer;
    informer = null;
    if (watching != null) {
      watching.close();
    }
  }

  /** What a write makes of the Secret as read (null: there is none): the Secret to write, or null for no write. */
  private interface Change {
    Secret apply(Secret current) throws IOException;
  }

  private void writeHost(String host, Change change) throws IOException {
    write(secretName(checked(host)), current -> change.apply(owned(current, CERTIFICATE, host)));
  }

  /**
   * Applies {@code change} to the Secret as read: creates it when there was none, else updates the version read. When
   * another writer came first (409: it created the Secret, or changed it since), reads it again and reapplies.
   */
  private void write(String name, Change change) throws IOException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Secret current = read(name);
      Secret next = change.apply(current);
      if (next == null) {
        return;
      }
      String verb = current == null ? "create" : "update";
      try {
        if (current == null) {
          secrets().resource(next).create();
        } else {
          secrets().resource(next).update(); // with the resourceVersion read: refused when it changed since
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw failure(verb, name, e);
        }
      }
    }
    throw new IOException(where(name) + ": changed by another writer during each of " + ATTEMPTS
        + " attempts to write it; not written");
  }

  /** The Secret, or null when the API says it does not exist. */
  private Secret read(String name) throws IOException {
    try {
      return secrets().withName(name).get();
    } catch (KubernetesClientException e) {
      throw failure("get", name, e);
    }
  }

  /**
   * {@code s} when it is edgeport's of that kind (and host): a Secret of that name that is not is refused rather than
   * read or overwritten.
   */
  private Secret owned(Secret s, String kind, String host) throws IOException {
    if (s == null) {
      return null;
    }
    Map<String, String> labels = s.getMetadata().getLabels();
    Map<String, String> annotations = s.getMetadata().getAnnotations();
    String holds = annotations == null ? null : annotations.get(HOST_ANNOTATION);
    if (labels == null || !kind.equals(labels.get(ACME_LABEL)) || host != null && !host.equals(holds)) {
      throw new IOException(where(s.getMetadata().getName()) + " is not edgeport's " + (host == null ? "ACME account"
          : "certificate for " + host + " (" + HOST_ANNOTATION + ": " + holds + ")") + "; it is left alone");
    }
    return s;
  }

  /**
   * {@code current}, or a new Secret named {@code name} when null, with edgeport's labels (and with a host, its
   * annotation), {@code annotations} edited and {@code data}'s changes put in (the text of each key, encoded here;
   * null removes it; other keys are kept as they are). A TLS Secret must have both its keys: empty until its first
   * certificate.
   */
  private Secret with(Secret current, String name, String type, String kind, String host,
      Consumer<Map<String, String>> annotations, Consumer<Map<String, String>> data) {
    SecretBuilder b = current == null ? new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .endMetadata().withType(type) : new SecretBuilder(current);
    Map<String, String> a = new HashMap<>(current == null || current.getMetadata().getAnnotations() == null ? Map.of()
        : current.getMetadata().getAnnotations());
    if (host != null) {
      a.put(HOST_ANNOTATION, host);
    }
    annotations.accept(a);
    Map<String, String> encoded = new HashMap<>(current == null || current.getData() == null ? Map.of()
        : current.getData());
    if (type.equals(TLS)) {
      encoded.putIfAbsent(CRT, "");
      encoded.putIfAbsent(KEY, "");
    }
    Map<String, String> changes = new HashMap<>();
    data.accept(changes);
    changes.forEach((k, v) -> {
      if (v == null) {
        encoded.remove(k);
      } else {
        encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
      }
    });
    return b.editMetadata().addToLabels(MANAGED_BY, "edgeport").addToLabels(ACME_LABEL, kind).withAnnotations(a)
        .endMetadata().withData(encoded).build();
  }

  private Secret hostSecret(Secret current, String host, Consumer<Map<String, String>> annotations,
      Consumer<Map<String, String>> data) {
    return with(current, secretName(host), TLS, CERTIFICATE, host, annotations, data);
  }

  /** The text under {@code key}, empty when missing, empty or damaged (not base64: then it is written anew). */
  private static Optional<String> text(Secret s, String key) {
    String v = s == null || s.getData() == null ? null : s.getData().get(key);
    try {
      return Optional.ofNullable(v).map(b -> new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8))
          .filter(t -> !t.isEmpty());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets() {
    return client.secrets().inNamespace(namespace);
  }

  private static String checked(String host) throws IOException {
    if (!DNS_NAME.matcher(host).matches()) {
      throw new IOException("not a lower-case host name: " + host);
    }
    return host;
  }

  private String where(String name) {
    return "Secret " + namespace + "/" + name;
  }

  /** An API failure as an IOException that says what was refused; a 403 names the verb RBAC does not grant. */
  private IOException failure(String verb, String name, Throwable e) {
    Throwable cause = e;
    while (!(cause instanceof KubernetesClientException) && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String what = name == null ? "secrets in namespace " + namespace : where(name);
    if (cause instanceof KubernetesClientException k && k.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
      return new IOException("forbidden to " + verb + " " + what + ": RBAC does not grant edgeport's service account \""
          + verb + "\" on secrets in namespace " + namespace + " (k8s/rbac.yaml: Role edgeport-acme)", e);
    }
    String why = cause instanceof KubernetesClientException k && k.getStatus() != null
        && k.getStatus().getMessage() != null ? k.getCode() + " " + k.getStatus().getMessage() : rootMessage(e);
    return new IOException("cannot " + verb + " " + what + ": " + why, e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  private static String sha256(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JDK", e);
    }
  }
}
