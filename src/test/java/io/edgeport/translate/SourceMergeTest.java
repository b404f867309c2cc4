package io.edgeport.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgeport.model.Domain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The config file's domains come first, then the discovered ones in their order; a host is served once. */
class SourceMergeTest {
  static Domain domain(String host, String origin) {
    return new Domain(host, List.of(), origin);
  }

  @Test
  void withoutDiscoveredDomainsTheConfigFileIsServedAsItIs() {
    List<Domain> configured = List.of(domain("a.example.com", "edgeport.yaml:3:5"));
    SourceMerge merged = SourceMerge.of(configured, List.of());
    assertSame(configured, merged.domains());
    assertEquals(List.of(), merged.conflicts());
  }

  @Test
  void discoveredDomainsFollowTheConfigFilesInTheirOrder() {
    Domain file = domain("a.example.com", "edgeport.yaml:3:5");
    Domain ingress = domain("b.example.com", "ingress default/b");
    Domain route = domain("c.example.com", "httproute default/c");
    SourceMerge merged = SourceMerge.of(List.of(file), List.of(ingress, route));
    assertEquals(List.of(file, ingress, route), merged.domains());
    assertEquals(List.of(), merged.conflicts());
  }

  @Test
  void theConfigFileWinsAHostAndTheLoserIsDescribed() {
    Domain file = domain("a.example.com", "edgeport.yaml:3:5");
    Domain ingress = domain("a.example.com", "ingress default/a");
    SourceMerge merged = SourceMerge.of(List.of(file), List.of(ingress));
    assertEquals(List.of(file), merged.domains());
    assertEquals(List.of("a.example.com: ingress default/a is not served; the config file (edgeport.yaml:3:5) has it"),
        merged.conflicts());
  }

  @Test
  void anIngressWinsOverALaterGatewayApiRouteAndEachLoserIsDescribed() {
    Domain ingress = domain("a.example.com", "ingress default/a");
    Domain route = domain("a.example.com", "httproute default/a");
    Domain again = domain("a.example.com", "httproute team/a");
    Domain other = domain("b.example.com", "httproute default/b");
    SourceMerge merged = SourceMerge.of(List.of(), List.of(ingress, route, other, again));
    assertEquals(List.of(ingress, other), merged.domains());
    assertEquals(List.of("a.example.com: httproute default/a is not served; ingress default/a has it",
        "a.example.com: httproute team/a is not served; ingress default/a has it"), merged.conflicts());
  }
}
