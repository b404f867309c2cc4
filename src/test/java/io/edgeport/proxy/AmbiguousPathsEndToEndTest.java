package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestNodes;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Paths that one server reads as {@code /admin} and another as something else never get past an {@code /admin}
 * rule: path parameters count as Tomcat counts them, and paths without one reading are refused before any node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AmbiguousPathsEndToEndTest extends LiveNodesTest {

  @Test
  void dotSegmentsWithParametersAreRefusedAndParametersDoNotSkipARule() throws Exception {
    try (TestNodes admin = TestNodes.start(vertx, 1)) {
      int port = Configs.freePort();
      startGateway("""
          listen:
            http: "127.0.0.1:%d"
          %s
          domains:
            - host: api.example.com
              paths:
                - prefix: /api
                  nodePort: %d
                - prefix: /admin
                  nodePort: %d
          """.formatted(port, Configs.nodes(nodes), nodes.port(), admin.port()), 1);

      String[] ambiguous = {"/api/..;/admin", "/api/..;x/admin/users", "/api/%2e%2e/admin", "/api\\..\\admin",
          "/api%2f..%2fadmin", "/api//../admin", "/api#/../admin", "/admin#/../api"};
      for (String target : ambiguous) {
        RawHttp.Response r = RawHttp.get(port, "api.example.com", target);
        assertEquals(400, r.status(), target);
      }
      assertEquals((long) ambiguous.length, gateway.traffic().totals().refused().get(400),
          "counted in edgeport_requests_refused, as its help says");
      assertFalse(nodes.awaitRequest(0), "no node saw any of them");
      assertFalse(admin.awaitRequest(0), "no node saw any of them");

      assertEquals(admin.port(), servedBy(port, "/admin;x"), "a parameter does not skip the /admin rule");
      assertEquals(admin.port(), servedBy(port, "/admin;jsessionid=1/users"));
      assertEquals(admin.port(), servedBy(port, "/api/../admin"), "a plain dot-segment resolves, as before");
      assertEquals(nodes.port(), servedBy(port, "/api;v=2/users"));
      assertEquals(404, RawHttp.get(port, "api.example.com", "/other;x").status());
    }
  }

  /** The nodePort of the node that served {@code target}, which it got unchanged. */
  private static int servedBy(int port, String target) throws Exception {
    RawHttp.Response r = RawHttp.get(port, "api.example.com", target);
    assertEquals(200, r.status(), target);
    JsonObject seen = new JsonObject(r.text());
    assertEquals(target, seen.getString("uri"), "forwarded as sent");
    return seen.getInteger("port");
  }
}
