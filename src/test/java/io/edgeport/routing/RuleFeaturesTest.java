package io.edgeport.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.balance.Endpoint;
import io.edgeport.balance.EndpointPicker;
import io.edgeport.balance.RetryBudget;
import io.edgeport.model.BackendRef;
import io.edgeport.model.Domain;
import io.edgeport.model.LoadBalancing;
import io.edgeport.model.PathRule;
import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RequestConditions;
import io.edgeport.model.RetryPolicy;
import io.edgeport.model.RouteFilters;
import io.edgeport.model.RouteFilters.Cors;
import io.edgeport.model.SessionPersistence;
import io.edgeport.model.WeightedBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-rule runtime of the Gateway API's HTTP features, as pure units: CORS, mirrors' shares, sessions, gRPC methods. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RuleFeaturesTest {

  @Test
  void corsAllowsExactAndWildcardOriginsOnly() {
    CorsPolicy cors = new CorsPolicy(new Cors(List.of("https://app.example.com", "https://*.example.org:8443"),
        List.of("GET", "PUT"), List.of("x-token"), List.of("x-trace"), true, 600));
    assertTrue(cors.allows("https://app.example.com"));
    assertTrue(cors.allows("HTTPS://APP.EXAMPLE.COM"), "origins compare case-insensitively");
    assertFalse(cors.allows("http://app.example.com"), "another scheme");
    assertFalse(cors.allows("https://app.example.com:444"), "another port");
    assertTrue(cors.allows("https://a.example.org:8443"));
    assertTrue(cors.allows("https://a.b.example.org:8443"), "a wildcard covers any number of labels");
    assertFalse(cors.allows("https://example.org:8443"), "a wildcard needs a label of its own");
    assertFalse(cors.allows("https://a.example.org"), "the wildcard's port is part of it");
    assertFalse(cors.allows("https://evilexample.org:8443"));
    assertFalse(cors.allows(null));
    assertEquals("https://app.example.com", cors.allowOrigin("https://app.example.com"), "credentials: never *");
    assertEquals("GET, PUT", cors.allowMethods("DELETE"));
    assertEquals("x-token", cors.allowHeaders("x-other"));
    assertEquals("x-trace", cors.exposeHeaders());
    assertEquals("600", cors.maxAge());
  }

  @Test
  void corsWildcardsEchoWhatWasAskedWhenCredentialsAreSent() {
    CorsPolicy open = new CorsPolicy(new Cors(List.of("*"), List.of("*"), List.of("*"), List.of(), false, 5));
    assertEquals("*", open.allowOrigin("https://x.test"));
    assertEquals("*", open.allowMethods("PATCH"));
    assertEquals("*", open.allowHeaders("x-a"));
    assertNull(open.exposeHeaders());
    CorsPolicy credentialed = new CorsPolicy(new Cors(List.of("https://x.test"), List.of("*"), List.of("*"),
        List.of(), true, 5));
    assertEquals("PATCH", credentialed.allowMethods("PATCH"), "with credentials '*' is taken literally by browsers");
    assertEquals("x-a", credentialed.allowHeaders("x-a"));
  }

  @Test
  void aMirrorTakesExactlyItsShareSpreadEvenly() {
    MirrorTarget quarter = new MirrorTarget(null, 1, 4);
    List<Boolean> taken = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      taken.add(quarter.takesNext(0));
    }
    assertEquals(List.of(false, false, false, true, false, false, false, true), taken);
    MirrorTarget most = new MirrorTarget(null, 99, 100);
    int n = 0;
    for (int i = 0; i < 1000; i++) {
      n += most.takesNext(0) ? 1 : 0;
    }
    assertEquals(990, n);
    assertTrue(new MirrorTarget(null, 1, 1).takesNext(0));
    MirrorTarget refusing = new MirrorTarget(null, 1, 1);
    refusing.connectFailed(1_000);
    assertFalse(refusing.takesNext(1_000 + 99_000_000L), "paused 100 ms after a failed connect");
    assertTrue(refusing.takesNext(1_000 + 100_000_000L));
    refusing.connectFailed(2_000);
    assertFalse(refusing.takesNext(2_000 + 199_000_000L), "doubled for a second failure in a row");
    refusing.connected();
    assertTrue(refusing.takesNext(2_001), "a copy through: at its share again");
    assertFalse(new MirrorTarget(null, 0, 100).takesNext(0));
  }

  private static Backend backend(String name, String... nodes) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String n : nodes) {
      endpoints.add(new Endpoint(n, 30080));
    }
    EndpointPicker picker = new EndpointPicker() {
      @Override
      public List<Endpoint> endpoints() {
        return endpoints;
      }

      @Override
      public int pick(io.edgeport.balance.PickContext request) {
        return 0;
      }
    };
    return new Backend(name, picker, List.of(), null, RetryPolicy.DEFAULT, new RetryBudget(20, 10), false, 0, null);
  }

  @Test
  void aSessionTokenFindsItsNodeWhileItTakesTraffic() {
    Backend api = backend("default/api:80", "127.0.0.2", "127.0.0.3");
    SessionPersistence policy = new SessionPersistence(SessionPersistence.Type.COOKIE, "s", null, null, false);
    SessionTable sessions = new SessionTable(policy, List.of(api));
    Endpoint second = api.balancer().endpoints().get(1);
    String token = sessions.renewal(second, null, 1_000).token();
    SessionTable.Pin pin = sessions.find(token, 1_000);
    assertEquals(1, pin.index());
    assertNull(sessions.renewal(second, pin, 2_000), "the client's token stays good: nothing to hand out");
    assertNotNull(sessions.renewal(api.balancer().endpoints().get(0), pin, 2_000), "another node answered: a new one");
    assertFalse(token.contains("127.0.0"), "the token names no address");
    Backend elsewhere = backend("default/api:80", "127.0.0.3");
    assertEquals(token, new SessionTable(policy, List.of(elsewhere)).renewal(elsewhere.balancer().endpoints().get(0),
        null, 5).token(), "the same node gets the same token on every replica and generation");
    SessionTable withoutIt = new SessionTable(policy, List.of(backend("default/api:80", "127.0.0.2")));
    assertNull(withoutIt.find(token, 1_000), "its node takes no traffic now: a new session");
    assertNull(sessions.find("garbage", 1_000));
    assertNull(sessions.find(null, 1_000));
  }

  @Test
  void timedSessionsEndAfterTheirTimeouts() {
    Backend api = backend("default/api:80", "127.0.0.2");
    SessionTable sessions = new SessionTable(new SessionPersistence(SessionPersistence.Type.HEADER, "x-s",
        Duration.ofSeconds(100), Duration.ofSeconds(40), false), List.of(api));
    Endpoint node = api.balancer().endpoints().get(0);
    SessionTable.Renewal first = sessions.renewal(node, null, 1_000);
    String token = first.token();
    assertEquals(1_000, first.issuedSeconds());
    assertNotNull(sessions.find(token, 1_039));
    assertNull(sessions.find(token, 1_040), "idle for its idle timeout");
    SessionTable.Pin pin = sessions.find(token, 1_004);
    assertNull(sessions.renewal(node, pin, 1_004), "seen a moment ago");
    SessionTable.Renewal refreshed = sessions.renewal(node, sessions.find(token, 1_010), 1_010);
    assertNotNull(refreshed, "seen an eighth of the idle timeout ago: the token is refreshed");
    assertEquals(1_000, refreshed.issuedSeconds(), "the session keeps its start");
    assertEquals(1_000, sessions.find(refreshed.token(), 1_030).issuedSeconds());
    assertNotNull(sessions.find(refreshed.token(), 1_045), "a refreshed token is good for another idle timeout");
    assertNull(sessions.find(refreshed.token(), 1_100), "its absolute timeout holds whatever the refreshes");
    assertNull(sessions.find(token.substring(0, 16), 1_001), "a timed policy wants its times");
    String digest = token.substring(0, 16);
    assertNull(sessions.find(digest + ".-1y2p0ij32e8e8.rs", 1_001), "no signs: a start before the epoch is no session");
    assertNull(sessions.find(digest + "." + Long.toString(5_000, 36) + "." + Long.toString(5_000, 36), 1_001),
        "a session from the future is none");
    assertNull(sessions.find(digest + ".zzzzzzzzzzzzz.rs", 1_001), "too long to be a time");
  }

  @Test
  void grpcMethodOnlyMatchesTakeAnyServiceAndRankBeforeSlash() {
    BackendRef a = new BackendRef(30001, LoadBalancing.ROUND_ROBIN);
    BackendRef b = new BackendRef(30002, LoadBalancing.ROUND_ROBIN);
    BackendRef c = new BackendRef(30003, LoadBalancing.ROUND_ROBIN);
    PathRule service = new PathRule(PathMatch.PREFIX, "/pkg.Svc", a);
    PathRule method = new PathRule(PathMatch.GRPC_METHOD, "/Get", List.of(new WeightedBackend(b, 1)),
        RequestConditions.NONE, RouteFilters.NONE);
    PathRule all = new PathRule(PathMatch.PREFIX, "/", c);
    RouteTable table = RouteTableBuilder.build(List.of(new Domain("g.example.com", List.of(all, method, service),
        "", io.edgeport.model.HttpsPolicy.NONE, io.edgeport.model.ClientRules.NONE, true)), List.of("127.0.0.2"),
        io.edgeport.routing.Resolutions.of(List.of(new Domain("g.example.com", List.of(all, method, service))),
            BackendResolver.STATIC),
        (r, nodes) -> List.of(new Endpoint("127.0.0.2", r.nodePort())), ref -> new RetryBudget(20, 10), d -> null);
    assertEquals(":30001", table.route("g.example.com", "/pkg.Svc/Get").backend().name(),
        "the service's characters rank first");
    assertEquals(":30002", table.route("g.example.com", "/other.Svc/Get").backend().name());
    assertEquals(":30003", table.route("g.example.com", "/other.Svc/Put").backend().name());
    assertEquals(":30003", table.route("g.example.com", "/Get").backend().name(), "no service: not a gRPC path");
    assertEquals(":30003", table.route("g.example.com", "/a/b/Get").backend().name(), "a service has no slash");
  }
}
