package io.edgeport.cluster.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.acme.AcmeStore;
import io.edgeport.acme.AcmeStore.PendingOrder;
import io.edgeport.acme.AcmeStore.Stored;
import io.edgeport.config.AcmeConfig.Challenge;
import io.edgeport.support.Poll;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Secret store on the mock API (CRUD, with expectations where the API must refuse): what each Secret holds, one
 * update for a certificate and the end of its order, names for every host, another replica's certificates seen through
 * the watch, and writes that meet another writer retried on the version that writer left, or refused.
 */
class SecretStoreTest {
  static final String NS = "edgeport";
  static final String HOST = "shop.example.com";
  static final String CHAIN = "-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n"
      + "-----BEGIN CERTIFICATE-----\nintermediate\n-----END CERTIFICATE-----\n";
  static final String KEY = "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n";
  /** What the API requires of a Secret's name (besides at most 253 characters): Kubernetes' own pattern. */
  static final String DNS_1123_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
  static final String ORDER_KEY = "-----BEGIN EC PRIVATE KEY-----\norder\n-----END EC PRIVATE KEY-----\n";

  final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
  KubernetesMockServer api;
  KubernetesClient client;
  SecretStore store;
  final List<KubernetesClient> others = new ArrayList<>();
  final List<SecretStore> otherStores = new ArrayList<>();

  @BeforeEach
  void start() {
    api = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
        new KubernetesMixedDispatcher(expectations), false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    client = api.createClient();
    store = new SecretStore(client, NS);
  }

  @AfterEach
  void stop() {
    store.close();
    otherStores.forEach(SecretStore::close);
    others.forEach(KubernetesClient::close);
    client.close();
    api.destroy();
  }

  /** Another client of the same API; its requests go through {@code interceptor}. */
  KubernetesClient client(Interceptor interceptor) {
    KubernetesClient c = api.createClient(b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("test",
        interceptor)));
    others.add(c);
    return c;
  }

  Secret secret(String name) {
    return client.secrets().inNamespace(NS).withName(name).get();
  }

  static String text(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  static PendingOrder order(String n) throws Exception {
    return new PendingOrder(URI.create("https://ca.example/order/" + n).toURL(), ORDER_KEY);
  }

  @Test
  void theAccountKeyIsAnOpaqueSecretCreatedOnce() throws Exception {
    assertTrue(store.accountKey().isEmpty());
    store.saveAccountKey(KEY);
    assertEquals(KEY, store.accountKey().orElseThrow());
    Secret s = secret("edgeport-acme-account");
    assertEquals("Opaque", s.getType());
    assertEquals(Map.of("app.kubernetes.io/managed-by", "edgeport", "edgeport.io/acme", "account"),
        s.getMetadata().getLabels());
    assertEquals(KEY, text(s, "account.key"));

    store.saveAccountKey(KEY); // the same again: nothing to write
    assertEquals(s.getMetadata().getResourceVersion(), secret("edgeport-acme-account").getMetadata()
        .getResourceVersion());
    // another key would orphan the orders of the account stored: refused, the stored one stays
    IOException e = assertThrows(IOException.class, () -> store.saveAccountKey("another key"));
    assertTrue(e.getMessage().contains("account key first"), e.getMessage());
    assertEquals(KEY, store.accountKey().orElseThrow());
  }

  /**
   * A pending order creates the host's TLS Secret with empty certificate keys (no certificate yet); the certificate
   * then replaces it in one update (a watch sees no state with both, or with neither); a renewal's order keeps the
   * certificate served.
   */
  @Test
  void aPendingOrderThenItsCertificateInOneUpdate() throws Exception {
    String name = "edgeport-acme-" + HOST;
    BlockingQueue<Secret> seen = new LinkedBlockingQueue<>();
    try (Watch w = client.secrets().inNamespace(NS).withName(name).watch(new Watcher<Secret>() {
      @Override
      public void eventReceived(Action action, Secret s) {
        seen.add(s);
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      assertTrue(store.pendingOrder(HOST).isEmpty());
      assertTrue(store.certificate(HOST).isEmpty());
      store.savePendingOrder(HOST, order("1"));

      Secret pending = secret(name);
      assertEquals("kubernetes.io/tls", pending.getType());
      assertEquals(Map.of("app.kubernetes.io/managed-by", "edgeport", "edgeport.io/acme", "certificate"),
          pending.getMetadata().getLabels());
      assertEquals(Map.of("edgeport.io/acme-host", HOST, "edgeport.io/acme-order", "https://ca.example/order/1"),
          pending.getMetadata().getAnnotations());
      assertEquals(Map.of("tls.crt", "", "tls.key", ""), Map.of("tls.crt", text(pending, "tls.crt"), "tls.key",
          text(pending, "tls.key")), "a TLS Secret has both keys, empty before the first certificate");
      assertTrue(store.certificate(HOST).isEmpty(), "an empty tls.crt is no certificate");
      PendingOrder read = store.pendingOrder(HOST).orElseThrow();
      assertEquals(order("1").order(), read.order());
      assertEquals(ORDER_KEY, read.keyPem());

      store.saveCertificate(HOST, new Stored(CHAIN, KEY));
      List<Secret> events = new ArrayList<>();
      while (events.isEmpty() || text(events.get(events.size() - 1), "tls.crt").isEmpty()) {
        Secret s = seen.poll(10, TimeUnit.SECONDS);
        assertTrue(s != null, "the watch saw the certificate: " + events);
        events.add(s);
      }
      assertEquals(2, events.size(), "the order, then one update: " + events);
      Secret stored = events.get(1);
      assertEquals(CHAIN, text(stored, "tls.crt"));
      assertEquals(KEY, text(stored, "tls.key"));
      assertFalse(stored.getData().containsKey("order.key"));
      assertEquals(Map.of("edgeport.io/acme-host", HOST), stored.getMetadata().getAnnotations());
    }
    assertEquals(new Stored(CHAIN, KEY), store.certificate(HOST).orElseThrow());
    assertTrue(store.pendingOrder(HOST).isEmpty());

    store.savePendingOrder(HOST, order("2")); // a renewal
    assertEquals(new Stored(CHAIN, KEY), store.certificate(HOST).orElseThrow(), "the current one keeps serving");
    assertEquals(order("2").order(), store.pendingOrder(HOST).orElseThrow().order());
    store.savePendingOrder(HOST, null); // it failed
    assertTrue(store.pendingOrder(HOST).isEmpty());
    assertEquals(new Stored(CHAIN, KEY), store.certificate(HOST).orElseThrow());
    assertEquals(Map.of("edgeport.io/acme-host", HOST), secret(name).getMetadata().getAnnotations());
    store.savePendingOrder("nothing.example.com", null);
    assertNull(secret("edgeport-acme-nothing.example.com"), "clearing no order creates nothing");
  }

  /** A host too long for the plain name gets a shortened one with a hash: valid, stable, its own. */
  @Test
  void aLongHostNameGetsAValidStableNameOfItsOwn() throws Exception {
    String labels = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".";
    String host = labels + "d".repeat(57);
    String sibling = labels + "e".repeat(57);
    String name = SecretStore.secretName(host);
    assertTrue(name.length() <= 253, name.length() + "");
    assertTrue(name.matches(DNS_1123_SUBDOMAIN), name);
    assertEquals(name, SecretStore.secretName(host), "stable");
    assertNotEquals(name, SecretStore.secretName(sibling));
    // cut just after a dot: the name must not end a label with '-' or start one with it
    String dotted = labels + "d".repeat(29) + "." + "e".repeat(40); // 236 characters of the name kept: up to that dot
    assertTrue(SecretStore.secretName(dotted).matches(DNS_1123_SUBDOMAIN), SecretStore.secretName(dotted));
    // a host named like the account's Secret has a certificate Secret of its own
    assertNotEquals("edgeport-acme-account", SecretStore.secretName("account"));

    store.saveCertificate(host, new Stored(CHAIN, KEY));
    store.saveCertificate(sibling, new Stored(CHAIN + "\n", KEY));
    assertEquals(new Stored(CHAIN, KEY), store.certificate(host).orElseThrow());
    assertEquals(new Stored(CHAIN + "\n", KEY), store.certificate(sibling).orElseThrow());
    assertEquals(host, secret(name).getMetadata().getAnnotations().get("edgeport.io/acme-host"));
    assertThrows(IOException.class, () -> store.certificate("Not A Host"));
  }

  /** A Secret of that name that is not edgeport's (no labels, another host) is neither read nor overwritten. */
  @Test
  void aSecretOfThatNameThatIsNotEdgeportsIsLeftAlone() throws Exception {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("edgeport-acme-" + HOST)
        .endMetadata().withType("kubernetes.io/tls").addToData("tls.crt", "Q0VSVA==").addToData("tls.key", "S0VZ")
        .build()).create();
    IOException e = assertThrows(IOException.class, () -> store.certificate(HOST));
    assertTrue(e.getMessage().contains("is not edgeport's certificate for " + HOST), e.getMessage());
    assertThrows(IOException.class, () -> store.saveCertificate(HOST, new Stored(CHAIN, KEY)));
    assertEquals("Q0VSVA==", secret("edgeport-acme-" + HOST).getData().get("tls.crt"));
  }

  /** What {@code watching}'s watch hears, a line each: "certificate HOST", "answer HOST TYPE TOKEN" or "... none". */
  static BlockingQueue<String> watched(SecretStore watching) {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    watching.watch(new AcmeStore.Watcher() {
      @Override
      public void certificateChanged(String host) {
        heard.add("certificate " + host);
      }

      @Override
      public void answerChanged(String host, AcmeStore.Answer answer) {
        heard.add("answer " + host + " " + (answer == null ? "none" : answer.type().type() + " " + answer.token()));
      }
    });
    return heard;
  }

  /**
   * Two replicas: the one that orders stores, the other's watch names each host whose certificate it stored (one there
   * before the watch, one after), and not one whose order alone was recorded; and it hears of each challenge answered
   * and cleared, so that it answers the CA's validation too.
   */
  @Test
  void anotherReplicasWatchSeesTheHostsWhoseCertificateIsStoredAndTheAnswers() throws Exception {
    SecretStore follower = new SecretStore(client(new Interceptor() { }), NS);
    otherStores.add(follower);
    store.saveCertificate("before.example.com", new Stored(CHAIN, KEY));
    BlockingQueue<String> changed = watched(follower);
    assertEquals("certificate before.example.com", changed.poll(10, TimeUnit.SECONDS));

    store.savePendingOrder(HOST, order("1"));
    AcmeStore.Answer answer = new AcmeStore.Answer(Challenge.HTTP_01, "tok-EN_1.thumb-print_2");
    store.saveAnswer(HOST, answer);
    assertEquals("answer " + HOST + " http-01 tok-EN_1", changed.poll(10, TimeUnit.SECONDS),
        "the order alone is nothing to hear of; the answer is");
    store.saveCertificate(HOST, new Stored(CHAIN, KEY));
    assertEquals(java.util.Set.of("certificate " + HOST, "answer " + HOST + " none"),
        java.util.Set.of(changed.poll(10, TimeUnit.SECONDS), changed.poll(10, TimeUnit.SECONDS)),
        "the certificate stored clears the answer");
    assertEquals(new Stored(CHAIN, KEY), follower.certificate(HOST).orElseThrow());
    assertTrue(SecretStore.answer(secret("edgeport-acme-" + HOST)).isEmpty());
    assertEquals("Secrets in edgeport", follower.describe());
  }

  /**
   * Only a well-formed answer is read back, and only from edgeport's own Secret of the host: another writer of the
   * Secrets cannot make edgeport serve any text, nor answers for a name through a Secret of another name.
   */
  @Test
  void aDamagedOrForeignAnswerIsNone() throws Exception {
    store.savePendingOrder(HOST, order("1"));
    for (String bad : List.of("http-01 <script>.x", "http-01 tokenwithoutdot", "dns-01 a.b", "http-01", "")) {
      Secret s = new SecretBuilder(secret("edgeport-acme-" + HOST)).editMetadata()
          .addToAnnotations(SecretStore.ANSWER_ANNOTATION, bad).endMetadata().build();
      assertTrue(SecretStore.answer(s).isEmpty(), bad);
    }
    store.saveAnswer(HOST, new AcmeStore.Answer(Challenge.TLS_ALPN_01, "a.b"));
    assertEquals("tls-alpn-01 a.b",
        secret("edgeport-acme-" + HOST).getMetadata().getAnnotations().get(SecretStore.ANSWER_ANNOTATION));
    store.saveAnswer(HOST, null);
    assertTrue(SecretStore.answer(secret("edgeport-acme-" + HOST)).isEmpty());

    BlockingQueue<String> heard = watched(store);
    Poll.until(store::shared, 10, "the watch runs: the store is shared");
    client.secrets().inNamespace(NS).resource(new SecretBuilder(secret("edgeport-acme-" + HOST)).withNewMetadata()
        .withName("whatever").withNamespace(NS).withLabels(secret("edgeport-acme-" + HOST).getMetadata().getLabels())
        .addToAnnotations(SecretStore.HOST_ANNOTATION, "victim.example.com")
        .addToAnnotations(SecretStore.ANSWER_ANNOTATION, "http-01 tok.thumb").endMetadata().build()).create();
    store.saveAnswer(HOST, new AcmeStore.Answer(Challenge.HTTP_01, "mine.thumb"));
    assertEquals("answer " + HOST + " http-01 mine",
        heard.poll(10, TimeUnit.SECONDS), "the foreign Secret named another host: not heard of");
  }

  /**
   * Another writer changes the Secret between this store's read and its update (a handover; here another controller
   * annotating it): the update, on the version read, is refused; the store reads again and applies its change to what
   * the other wrote. Both stay.
   */
  @Test
  void aWriteThatMeetsAnotherWriterIsRetriedOnItsVersion() throws Exception {
    store.savePendingOrder(HOST, order("1"));
    KubernetesClient other = client(new Interceptor() { });
    AtomicInteger updates = new AtomicInteger();
    SecretStore racing = new SecretStore(client(before(r -> {
      if (r.method().equals("PUT") && updates.incrementAndGet() == 1) { // after the store read the Secret
        other.secrets().inNamespace(NS).withName("edgeport-acme-" + HOST).edit(s -> new SecretBuilder(s)
            .editMetadata().addToAnnotations("example.com/note", "kept").endMetadata().build());
      }
    })), NS);
    racing.saveCertificate(HOST, new Stored(CHAIN, KEY));
    assertEquals(2, updates.get(), "refused once on the stale version, then written");
    assertEquals(new Stored(CHAIN, KEY), store.certificate(HOST).orElseThrow());
    assertTrue(store.pendingOrder(HOST).isEmpty());
    assertEquals("kept", secret("edgeport-acme-" + HOST).getMetadata().getAnnotations().get("example.com/note"));
  }

  /** A store that meets another writer at each attempt gives up with an IOException; nothing is lost silently. */
  @Test
  void aWriteThatKeepsMeetingAnotherWriterFails() throws Exception {
    store.savePendingOrder(HOST, order("1"));
    SecretStore other = new SecretStore(client(new Interceptor() { }), NS);
    AtomicInteger updates = new AtomicInteger();
    SecretStore racing = new SecretStore(client(before(r -> {
      if (r.method().equals("PUT")) {
        updates.incrementAndGet();
        uncheck(() -> other.savePendingOrder(HOST, order(Integer.toString(updates.get() + 1))));
      }
    })), NS);
    IOException e = assertThrows(IOException.class, () -> racing.saveCertificate(HOST, new Stored(CHAIN, KEY)));
    assertTrue(e.getMessage().contains("changed by another writer"), e.getMessage());
    assertEquals(SecretStore.ATTEMPTS, updates.get());
    assertTrue(store.certificate(HOST).isEmpty());
    assertEquals(order(Integer.toString(SecretStore.ATTEMPTS + 1)).order(), store.pendingOrder(HOST).orElseThrow()
        .order(), "the other writer's last order stands");
  }

  /** Two replicas storing an account key at once: the one created first is kept, the other is told. */
  @Test
  void anAccountKeyCreatedMeanwhileIsKept() throws Exception {
    SecretStore other = new SecretStore(client(new Interceptor() { }), NS);
    AtomicInteger creates = new AtomicInteger();
    SecretStore racing = new SecretStore(client(before(r -> {
      if (r.method().equals("POST") && creates.incrementAndGet() == 1) {
        uncheck(() -> other.saveAccountKey("the other's key"));
      }
    })), NS);
    assertThrows(IOException.class, () -> racing.saveAccountKey(KEY));
    assertEquals("the other's key", store.accountKey().orElseThrow());
  }

  /** What RBAC refuses is named: the verb and the Secrets' namespace. */
  @Test
  void aRefusalSaysWhichVerbRbacDoesNotGrant() {
    String path = "/api/v1/namespaces/" + NS + "/secrets";
    api.expect().post().withPath(path).andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
        .withMessage("secrets is forbidden: User \"system:serviceaccount:edgeport:edgeport\" cannot create resource"
            + " \"secrets\" in API group \"\" in the namespace \"edgeport\"").build()).always();
    api.expect().get().withPath(path + "/edgeport-acme-account").andReturn(403, new StatusBuilder().withCode(403)
        .withReason("Forbidden").build()).always();
    IOException create = assertThrows(IOException.class, () -> store.saveCertificate(HOST, new Stored(CHAIN, KEY)));
    assertTrue(create.getMessage().contains("\"create\" on secrets in namespace edgeport"), create.getMessage());
    IOException get = assertThrows(IOException.class, () -> store.accountKey());
    assertTrue(get.getMessage().contains("\"get\" on secrets in namespace edgeport"), get.getMessage());
  }

  interface Action {
    void run() throws Exception;
  }

  static void uncheck(Action a) {
    try {
      a.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An interceptor that runs {@code request} before each request is sent (on the calling thread). */
  static Interceptor before(Consumer<HttpRequest> request) {
    return new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest r, RequestTags tags) {
        request.accept(r);
      }
    };
  }
}
