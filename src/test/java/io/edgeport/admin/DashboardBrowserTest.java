package io.edgeport.admin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeport.health.NodeHealth;
import io.edgeport.support.Await;
import io.edgeport.support.Browser;
import io.edgeport.support.Configs;
import io.edgeport.support.LiveNodesTest;
import io.edgeport.support.Poll;
import io.edgeport.support.RawHttp;
import io.edgeport.support.TestCertificates;
import org.junit.jupiter.api.Test;

/**
 * The dashboard as an operator sees it: rendered by a real browser (headless Chromium, which
 * {@code .ci/run} installs), its DOM read after the page's script has fetched and drawn the status.
 */
class DashboardBrowserTest extends LiveNodesTest {

  String renderedDom(int adminPort) throws Exception {
    return Browser.renderedDom(dir, adminPort);
  }

  /** The dashboard's table, or the start of whatever page came instead (a browser error page is long). */
  static String excerpt(String dom) {
    int table = dom.indexOf("<table");
    return table >= 0 ? dom.substring(table, Math.min(dom.length(), table + 4000)) : dom.substring(0, Math.min(dom.length(), 600));
  }

  @Test
  void theDashboardShowsDomainsAndANodeMarkedDownAfterItStopped() throws Exception {
    int admin = Configs.freePort();
    startGateway("""
        listen:
          http: "127.0.0.1:0"
        admin: "127.0.0.1:%d"
        %s
        domains:
          - host: api.example.com
            nodePort: %d
            healthCheck: {interval: 1s, timeout: 500ms, unhealthyThreshold: 1}
          - host: shop.example.com
            nodePort: %d
        """.formatted(admin, Configs.nodes(nodes), nodes.port(), nodes.port()), 1, new AdminServer(vertx, "edgeport test"));
    for (int i = 0; i < 5; i++) {
      RawHttp.get(gateway.port(), "api.example.com", "/");
    }
    String dom = renderedDom(admin);
    assertTrue(dom.contains("data-domain=\"api.example.com\"") && dom.contains("data-domain=\"shop.example.com\""),
        excerpt(dom));
    for (String node : nodes.addresses()) {
      assertTrue(dom.contains("data-node=\"" + node + "\" data-status=\"UP\""), node + " shown UP:\n" + excerpt(dom));
    }

    nodes.stop(1);
    Await.node(gateway, "127.0.0.3 on :" + nodes.port(), NodeHealth.Status.DOWN, 15);
    String after = renderedDom(admin);
    assertTrue(after.contains("data-node=\"127.0.0.3\" data-status=\"DOWN\""), "the stopped node is shown DOWN:\n" + excerpt(after));
    assertTrue(after.contains("connect refused"), "with the reason:\n" + excerpt(after));
    assertTrue(after.contains("data-node=\"127.0.0.2\" data-status=\"UP\""), excerpt(after));
  }

  @Test
  void theDashboardListsEachHostsCertificateAndWarnsOfOneAboutToExpireOrFailing() throws Exception {
    TestCertificates ca = TestCertificates.create(dir);
    TestCertificates.Leaf api = ca.issue(TestCertificates.KeyFormat.PKCS8_EC, "api.example.com");
    int admin = Configs.freePort();
    int closed = Configs.freePort(); // no CA listens there: b's order fails at once, and waits an hour to try again
    startGateway("""
        listen:
          http: "127.0.0.1:0"
          https: "127.0.0.1:0"
        tls:
          - hosts: [api.example.com]
            cert: %s
            key: %s
        acme:
          email: ops@example.com
          agreeToTerms: true
          directory: "https://127.0.0.1:%d/dir"
          retryBackoff: 1h
          storage: %s
        admin: "127.0.0.1:%d"
        %s
        domains:
          - host: api.example.com
            nodePort: %d
          - host: b.example.com
            nodePort: %d
          - host: "*.apps.example.com"
            nodePort: %d
        """.formatted(api.cert(), api.key(), closed, dir.resolve("acme"), admin, Configs.nodes(nodes), nodes.port(),
        nodes.port(), nodes.port()), 1, new AdminServer(vertx, "edgeport test"));
    Poll.until(() -> gateway.acme().views().stream().anyMatch(h -> h.failures() == 1), 30, "b's order failed");
    String dom = renderedDom(admin);
    assertTrue(dom.contains("data-certificate=\"api.example.com\" data-source=\"file\""), excerpt(dom));
    assertTrue(dom.contains("The certificate of api.example.com expires in 1 day(s)"),
        "the test certificate lives two days, so it is flagged:\n" + dom.substring(0, Math.min(dom.length(), 3000)));
    assertTrue(dom.contains("data-certificate=\"b.example.com\" data-source=\"acme\" data-state=\"pending: the last"
        + " order failed\""), excerpt(dom));
    assertTrue(dom.contains("data-certificate=\"*.apps.example.com\" data-source=\"acme\" data-state=\"not"
        + " obtainable\""), excerpt(dom));
    assertTrue(dom.contains("ACME b.example.com: pending: the last order failed after 1 failed order(s)")
        && dom.contains("cannot reach the CA"), "the failure is a notice:\n" + dom.substring(0, Math.min(dom.length(), 3000)));
    assertTrue(dom.contains("orders 0 succeeded, 1 failed"), excerpt(dom));
  }
}
