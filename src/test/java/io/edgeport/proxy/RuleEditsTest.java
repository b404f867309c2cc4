package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeport.model.PathRule.PathMatch;
import io.edgeport.model.RequestConditions.NameValue;
import io.edgeport.model.RouteFilters.HeaderEdits;
import io.edgeport.model.RouteFilters.PathReplacement;
import io.edgeport.model.RouteFilters.Redirect;
import io.edgeport.routing.Backend;
import io.edgeport.routing.Route;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEditsTest {

  static Route prefix(String path) {
    return new Route("api.example.com", PathMatch.PREFIX, path,
        new Backend(":30001", null, List.of(), null, null, null, false, 0, null));
  }

  static String replaced(boolean whole, String value, String prefix, String target) {
    return RuleEdits.replaced(new PathReplacement(whole, value), RequestTarget.parse(target, "api.example.com"),
        prefix(prefix));
  }

  @Test
  void prefixReplacementKeepsTheRestAndTheQuery() {
    assertEquals("/v2/users?x=1", replaced(false, "/v2", "/api", "/api/users?x=1"));
    assertEquals("/v2", replaced(false, "/v2", "/api", "/api"));
    assertEquals("/users", replaced(false, "/", "/api", "/api/users"));
    assertEquals("/", replaced(false, "/", "/api", "/api"));
    assertEquals("/v2/users", replaced(false, "/v2/", "/api", "/api/users"));
    assertEquals("/v2/x", replaced(false, "/v2", "/", "/x"));
    assertEquals("/other?q", replaced(true, "/other", "/api", "/api/users?q"));
  }

  static String location(Redirect r, String authority, String target, boolean tls) {
    return RuleEdits.location(r, RequestTarget.parse(target, authority), prefix("/old"), tls);
  }

  @Test
  void redirectsTakeWhatTheFilterLeavesOutFromTheRequest() {
    assertEquals("https://api.example.com/old/x?q=1",
        location(new Redirect("https", null, 0, null, 301), "api.example.com:8080", "/old/x?q=1", false),
        "a scheme without a port: its well-known port");
    assertEquals("http://api.example.com:8080/old/x",
        location(new Redirect(null, null, 0, null, 302), "api.example.com:8080", "/old/x", false),
        "no scheme and no port: the request's own");
    assertEquals("http://new.example.com:9000/new/x",
        location(new Redirect(null, "new.example.com", 9000, new PathReplacement(false, "/new"), 302),
            "api.example.com", "/old/x", false));
    assertEquals("https://api.example.com/",
        location(new Redirect(null, null, 443, new PathReplacement(true, "/"), 301), "api.example.com", "/old", true));
    assertEquals("https://[::1]:8443/old/x?q",
        location(new Redirect("https", null, 8443, null, 308), "[::1]:8080", "/old/x?q", false),
        "redirectHttps: the same URL on the HTTPS listener's port");
  }

  @Test
  void headerEditsSetThenAddThenRemove() {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("x-a", "old").add("x-gone", "1").add("x-b", "1");
    RuleEdits.apply(new HeaderEdits(List.of(new NameValue("x-a", "new")), List.of(new NameValue("x-b", "2")),
        List.of("x-gone")), h);
    assertEquals(List.of("new"), h.getAll("x-a"));
    assertEquals(List.of("1", "2"), h.getAll("x-b"));
    assertEquals(null, h.get("x-gone"));
  }
}
