package io.edgeport.proxy;

import io.edgeport.routing.RouteTable;
import io.edgeport.tcp.TcpListeners;
import io.edgeport.tcp.TcpTarget;
import io.edgeport.tls.Certificates;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the data plane needs, published as one immutable value: a request reads the current
 * generation once and uses it to the end, so a reload (a new generation) never changes a request
 * half-way, and nothing on the request path knows where a generation came from.
 *
 * @param version  1 for the first, +1 for each one published after it
 * @param tcp      the layer-4 routes: each TCP port of a LoadBalancer Service (at each address) and where it relays
 *                 to; the TCP listeners follow the published generation
 * @param accessLog where each request is logged, or null: off
 * @param certificates what the HTTPS listener serves, picked per handshake by SNI
 * @param acmeTokens HTTP-01: token → key authorization of edgeport's own ACME orders under way, answered on the
 *                 plain listener before routing
 * @param draining the gateway is stopping: responses carry {@code Connection: close}
 */
public record Generation(long version, RouteTable routes, Map<TcpListeners.Bind, TcpTarget> tcp,
    Forwarding forwarding, AccessLog accessLog, Certificates certificates, Map<String, String> acmeTokens,
    boolean draining) {

  public Generation {
    tcp = Collections.unmodifiableMap(new LinkedHashMap<>(tcp));
    acmeTokens = Map.copyOf(acmeTokens);
  }

  public static final Generation NONE = new Generation(0, RouteTable.EMPTY, Map.of(), null, null, Certificates.NONE,
      Map.of(), false);

  public Generation next(RouteTable nextRoutes, Map<TcpListeners.Bind, TcpTarget> nextTcp, Forwarding nextForwarding,
      AccessLog nextAccessLog, Certificates nextCertificates, Map<String, String> nextAcmeTokens) {
    return new Generation(version + 1, nextRoutes, nextTcp, nextForwarding, nextAccessLog, nextCertificates,
        nextAcmeTokens, draining);
  }

  public Generation drained() {
    return new Generation(version + 1, routes, tcp, forwarding, accessLog, certificates, acmeTokens, true);
  }
}
