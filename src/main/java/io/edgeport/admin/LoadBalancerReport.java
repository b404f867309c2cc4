package io.edgeport.admin;

import io.edgeport.Edgeport;
import io.edgeport.config.KubernetesConfig;
import io.edgeport.control.Status;
import io.edgeport.health.CheckKey;
import io.edgeport.health.NodeHealth;
import io.edgeport.health.NodeReport;
import io.edgeport.model.L4Conflict;
import io.edgeport.model.L4Route;
import io.edgeport.routing.BackendResolver;
import io.edgeport.tcp.TcpCounters;
import io.edgeport.tcp.TcpListeners;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code loadBalancers} part of the status document. */
final class LoadBalancerReport {
  private LoadBalancerReport() {}

  /**
   * The ports of LoadBalancer Services: where each listens (or why it cannot, or why it is not served), its nodes and
   * their health, and what it carried; by Service, each Service's ports as it lists them (refused ones last).
   */
  static JsonArray of(Edgeport edgeport, Status view, Map<CheckKey, NodeReport> health) {
    KubernetesConfig.LoadBalancerClass lb = view.config().kubernetes() == null ? null
        : view.config().kubernetes().loadBalancer();
    if (lb == null) {
      return new JsonArray();
    }
    Map<String, TcpCounters.Totals> counts = edgeport.tcpCounters().totals();
    List<JsonObject> out = new ArrayList<>();
    for (L4Route p : view.l4Routes()) {
      JsonObject o = new JsonObject().put("service", p.service()).put("port", p.port()).put("protocol", p.protocol());
      out.add(o);
      if (p.backend() == null) {
        o.put("notServed", p.protocol() + " is not relayed: edgeport relays TCP");
      } else {
        served(o, p, lb, view, health, counts.get(p.name()));
      }
    }
    for (L4Conflict c : view.l4Conflicts()) {
      out.add(new JsonObject().put("service", c.service()).put("port", c.port()).put("protocol", "TCP")
          .put("notServed", c.why()));
    }
    out.sort(Comparator.comparing(o -> o.getString("service"))); // stable: the routes come oldest Service first
    return new JsonArray(out);
  }

  private static void served(JsonObject o, L4Route p, KubernetesConfig.LoadBalancerClass lb, Status view,
      Map<CheckKey, NodeReport> health, TcpCounters.Totals t) {
    Map<TcpListeners.Bind, String> failed = view.l4Failures();
    JsonArray listening = new JsonArray();
    JsonObject failures = new JsonObject();
    for (String address : lb.addresses()) {
      TcpListeners.Bind bind = new TcpListeners.Bind(address, p.port());
      if (failed.containsKey(bind)) {
        failures.put(bind.toString(), failed.get(bind));
      } else {
        listening.add(bind.toString());
      }
    }
    o.put("listening", listening).put("cannotListen", failures);
    BackendResolver.Resolution resolution = view.resolutions().byBackend().get(p.backend());
    if (resolution instanceof BackendResolver.Unavailable u) {
      o.put("unavailable", u.reason());
    } else if (resolution instanceof BackendResolver.Resolved r) {
      JsonArray nodes = new JsonArray();
      for (String node : view.cluster().nodes()) {
        NodeReport report = health.get(CheckKey.of(node, r.nodePort(), r.healthCheck()));
        nodes.add(new JsonObject().put("address", node).put("endpoint", node + ":" + r.nodePort())
            .put("status", (report == null ? NodeHealth.Status.UNKNOWN : report.status()).name()));
      }
      o.put("nodePort", r.nodePort()).put("loadBalancing", r.loadBalancing().configName()).put("nodes", nodes);
    }
    o.put("maxConnections", lb.maxConnections()).put("maxConnectionsPerIp", lb.maxConnectionsPerIp());
    if (t != null) {
      o.put("open", t.open()).put("connections", t.connections()).put("refused", t.refused())
          .put("overLimits", t.overLimits())
          .put("bytesIn", t.bytesIn()).put("bytesOut", t.bytesOut())
          .put("connectFailures", new JsonObject(new LinkedHashMap<>(t.connectFailuresByNode())));
    }
  }
}
