package io.edgeport.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgeport.config.ConfigLoader;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.model.AcmeRequest;
import io.edgeport.model.DiscoveredCertificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hosts get ACME certificates. */
class AcmeHostsTest {
  @Test
  void exactHostsNoTlsEntryCoversAndThatDidNotOptOutThenTheClustersRequests() throws Exception {
    EdgeportConfig c = ConfigLoader.parse("f.yaml", """
        listen: {http: ":80", https: ":443"}
        nodes: [10.0.0.1]
        tls: [{hosts: ["*.apps.example.com", "www.example.com"], cert: a.crt, key: a.key}]
        acme: {email: ops@example.com, agreeToTerms: true}
        domains:
          - {host: api.example.com, nodePort: 30005}
          - {host: www.example.com, nodePort: 30005}
          - {host: x.apps.example.com, nodePort: 30005}
          - {host: old.example.com, nodePort: 30005, acme: false}
          - {host: "*.wild.example.com", nodePort: 30005}
        """).config();
    List<AcmeRequest> wanted = AcmeHosts.wanted(c, List.of(new AcmeRequest("shop.example.com", "ingress a/shop"),
        new AcmeRequest("api.example.com", "ingress a/api"), new AcmeRequest("y.apps.example.com", "ingress a/y"),
        new AcmeRequest("blog.example.com", "ingress a/blog"), new AcmeRequest("old.example.com", "ingress a/old")),
        List.of(new DiscoveredCertificate(List.of("blog.example.com"), "CERT", "KEY", "ingress a/b secret blog"),
            new DiscoveredCertificate(List.of("api.example.com"), "JUNK", "JUNK", "ingress t/x secret x")));
    assertEquals(List.of(new AcmeRequest("api.example.com", "f.yaml:6"),
        new AcmeRequest("*.wild.example.com", "f.yaml:10"), new AcmeRequest("shop.example.com", "ingress a/shop")),
        wanted, "blog.example.com is served from a cluster Secret; old.example.com opted out in the config, whoever asks;"
            + " api.example.com is the config's: a tenant's Secret for it does not take its certificate away");
    assertNull(AcmeHosts.notObtainable("api.example.com"));
    assertEquals(true, AcmeHosts.notObtainable("*.wild.example.com").contains("DNS-01"));
  }
}
