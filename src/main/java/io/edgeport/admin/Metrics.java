package io.edgeport.admin;

import io.edgeport.Edgeport;
import io.edgeport.health.NodeHealth;
import io.edgeport.health.NodeReport;
import io.edgeport.proxy.Traffic;
import io.edgeport.tcp.TcpCounters;
import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics}: Prometheus text through Micrometer. The per-request series (requests, durations,
 * bytes) are counted by the event loops themselves ({@link Traffic}) and read only at scrape time by
 * a collector registered beside Micrometer's meters, so counting costs the request path no lookup of
 * a meter and no shared atomic. Everything else is a Micrometer gauge or function counter over state
 * the gateway keeps anyway.
 */
final class Metrics {
  private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final PrometheusMeterRegistry registry;

  Metrics(Supplier<Edgeport> current) {
    PrometheusRegistry prometheus = new PrometheusRegistry();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
    prometheus.register(new RequestCollector(current));
    FunctionCounter.builder("edgeport.config.reloads", current, g -> g.get().status().reloads().applied())
        .tag("result", "ok").description("Configs applied after the start (file change, SIGHUP)").register(registry);
    FunctionCounter.builder("edgeport.config.reloads", current, g -> g.get().status().reloads().refused())
        .tag("result", "failed").description("Configs refused; the previous one kept serving").register(registry);
    FunctionCounter.builder("edgeport.health.checks", current, g -> g.get().health().checks(true))
        .tag("result", "ok").description("Active health checks run").register(registry);
    FunctionCounter.builder("edgeport.health.checks", current, g -> g.get().health().checks(false))
        .tag("result", "failed").description("Active health checks run").register(registry);
    FunctionCounter.builder("edgeport.passive.ejections", current, g -> g.get().health().passiveEjections())
        .description("Nodes taken out because live traffic to them failed").register(registry);
    for (String reason : Traffic.RETRY_REASONS) {
      FunctionCounter.builder("edgeport.retries", current, g -> g.get().traffic().totals().retries().get(reason))
          .tag("reason", reason).description("Tries sent to another node (or, for stale, the same one) after a failure")
          .register(registry);
    }
    FunctionCounter.builder("edgeport.retry.budget.exhausted", current,
            g -> g.get().traffic().totals().budgetExhausted())
        .description("Failures that went to the client because the backend's retry budget was used up")
        .register(registry);
    FunctionCounter.builder("edgeport.retry.buffer.full", current, g -> g.get().traffic().totals().retryBufferFull())
        .description("Request bodies that streamed without a retry because limits.retryBufferBytes was held")
        .register(registry);
    Gauge.builder("edgeport.retry.buffer.bytes", current, g -> g.get().traffic().totals().retryBufferBytes())
        .description("Request body bytes held now for a retry (reserved at their Content-Length)").register(registry);
    for (String result : Traffic.MIRROR_RESULTS) {
      FunctionCounter.builder("edgeport.mirror.requests", current, g -> g.get().traffic().totals().mirrors().get(result))
          .tag("result", result).description("Copies of requests sent to a RequestMirror's backend, by how they ended")
          .register(registry);
    }
    Gauge.builder("edgeport.mirror.requests.active", current, g -> g.get().traffic().totals().mirrorsActive())
        .description("Mirror copies under way now").register(registry);
    Gauge.builder("edgeport.head.buffer.bytes", current, g -> g.get().traffic().headBufferBytes())
        .description("Bytes held now for request heads that have arrived in part (limits.headBufferBytes)")
        .register(registry);
    FunctionCounter.builder("edgeport.access.log.dropped", current, g -> g.get().accessLogDropped())
        .description("Access log lines dropped because the writer fell behind").register(registry);
    FunctionCounter.builder("edgeport.acme.orders", current, g -> g.get().acme().ordersSucceeded())
        .tag("result", "success").description("ACME orders that got a certificate (new ones and renewals)")
        .register(registry);
    FunctionCounter.builder("edgeport.acme.orders", current, g -> g.get().acme().ordersFailed())
        .tag("result", "failure").description("ACME orders that failed (each is tried again later, with backoff)")
        .register(registry);
    FunctionCounter.builder("edgeport.acme.renewals", current, g -> g.get().acme().renewals())
        .description("ACME certificates replaced by a renewed one").register(registry);
    Gauge.builder("edgeport.generation", current, g -> g.get().generation().version())
        .description("Version of the routing generation being served").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  String scrape() {
    return registry.scrape();
  }

  /** The request series from the event loops' counters, and node health from the current generation. */
  private static final class RequestCollector implements MultiCollector {
    private final Supplier<Edgeport> current;

    RequestCollector(Supplier<Edgeport> current) {
      this.current = current;
    }

    @Override
    public MetricSnapshots collect() {
      Edgeport edgeport = current.get();
      Traffic.Totals traffic = edgeport.traffic().totals();
      CounterSnapshot.Builder requests = CounterSnapshot.builder().name("edgeport_requests")
          .help("Requests by domain (\"\" when no route matched), node (\"\" for the gateway's own answers) and"
              + " status class");
      HistogramSnapshot.Builder durations = HistogramSnapshot.builder().name("edgeport_request_duration_seconds")
          .help("Time from a request's arrival until its response ended, by domain");
      CounterSnapshot.Builder bytesIn = CounterSnapshot.builder().name("edgeport_received_bytes")
          .help("Request body bytes received from clients, by domain");
      CounterSnapshot.Builder bytesOut = CounterSnapshot.builder().name("edgeport_sent_bytes")
          .help("Response body bytes sent to clients, by domain");
      traffic.domains().forEach((domain, t) -> {
        Labels byDomain = Labels.of("domain", domain);
        t.byNode().forEach((node, classes) -> {
          for (int c = 0; c < classes.length; c++) {
            if (classes[c] > 0) {
              requests.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                  .labels(Labels.of("domain", domain, "node", node, "code", CLASSES[c])).value(classes[c]).build());
            }
          }
        });
        double[] bounds = new double[Traffic.LATENCY_BOUNDS.length + 1];
        System.arraycopy(Traffic.LATENCY_BOUNDS, 0, bounds, 0, Traffic.LATENCY_BOUNDS.length);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        durations.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(byDomain)
            // per-bucket counts; the text format makes them cumulative
            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, t.latencyBuckets())).sum(t.latencySumSeconds())
            .build());
        bytesIn.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(byDomain).value(t.bytesIn()).build());
        bytesOut.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(byDomain).value(t.bytesOut())
            .build());
      });
      List<MetricSnapshot> out = new ArrayList<>(List.of(requests.build(), durations.build(), bytesIn.build(),
          bytesOut.build(),
          gauge("edgeport_connections_active", "Client connections open now", traffic.openConnections()),
          CounterSnapshot.builder().name("edgeport_connections").help("Client connections accepted")
              .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(traffic.connections()).build())
              .build(),
          refused(traffic.refused()),
          CounterSnapshot.builder().name("edgeport_connections_refused")
              .help("Client connections closed at once: over limits.maxConnections or maxConnectionsPerIp")
              .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(traffic.connectionsRefused()).build())
              .build(),
          gauge("edgeport_websockets_active", "WebSockets (upgraded connections) open now", traffic.openWebsockets()),
          CounterSnapshot.builder().name("edgeport_websockets").help("WebSockets (upgraded connections) opened")
              .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(traffic.websockets()).build())
              .build(),
          nodeHealth(edgeport.health().reports()),
          certificateExpiry(edgeport.generation().certificates())));
      out.addAll(tcp(edgeport.tcpCounters().totals()));
      if (edgeport.status().config() != null && edgeport.status().config().kubernetes() != null) {
        out.add(gauge("edgeport_kubernetes_connected", "1 while the API watches are connected, 0 while reconnecting",
            edgeport.status().source().state().equals("connected") ? 1 : 0));
      }
      return new MetricSnapshots(out);
    }

    /** The TCP ports of LoadBalancer Services, by {@code service} ({@code namespace/name:port}) and node. */
    private static List<MetricSnapshot> tcp(Map<String, TcpCounters.Totals> ports) {
      CounterSnapshot.Builder connections = CounterSnapshot.builder().name("edgeport_tcp_connections")
          .help("TCP connections accepted on a LoadBalancer Service port");
      GaugeSnapshot.Builder open = GaugeSnapshot.builder().name("edgeport_tcp_connections_active")
          .help("TCP connections open now on a LoadBalancer Service port");
      CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("edgeport_tcp_bytes")
          .help("Bytes relayed, by direction: in (client to node) and out (node to client)");
      CounterSnapshot.Builder refused = CounterSnapshot.builder().name("edgeport_tcp_connections_refused")
          .help("TCP connections closed at once, by reason: not in loadBalancerSourceRanges (source-ranges), over"
              + " maxConnections or maxConnectionsPerIp (limits)");
      CounterSnapshot.Builder perNode = CounterSnapshot.builder().name("edgeport_tcp_node_connections")
          .help("TCP connections relayed to each node");
      CounterSnapshot.Builder failures = CounterSnapshot.builder().name("edgeport_tcp_connect_failures")
          .help("Connects to a node that failed (the connection moved on to the next node)");
      ports.forEach((service, t) -> {
        Labels by = Labels.of("service", service);
        connections.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(by).value(t.connections())
            .build());
        open.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(by).value(t.open()).build());
        bytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .labels(Labels.of("service", service, "direction", "in")).value(t.bytesIn()).build());
        bytes.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .labels(Labels.of("service", service, "direction", "out")).value(t.bytesOut()).build());
        refused.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .labels(Labels.of("service", service, "reason", "source-ranges")).value(t.refused()).build());
        refused.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .labels(Labels.of("service", service, "reason", "limits")).value(t.overLimits()).build());
        t.connectedByNode().forEach((node, n) -> perNode.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
            .labels(Labels.of("service", service, "node", node)).value(n).build()));
        t.connectFailuresByNode().forEach((node, n) -> failures.dataPoint(
            CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("service", service, "node", node))
                .value(n).build()));
      });
      return List.of(connections.build(), open.build(), bytes.build(), refused.build(), perNode.build(),
          failures.build());
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
      return GaugeSnapshot.builder().name(name).help(help)
          .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static CounterSnapshot refused(Map<Integer, Long> byStatus) {
      CounterSnapshot.Builder refused = CounterSnapshot.builder().name("edgeport_requests_refused")
          .help("Requests refused as malformed or ambiguous (400, 414, 431, 505), too slow (408) or over"
              + " limits.headBufferBytes (503), by status");
      byStatus.forEach((status, n) -> refused.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
          .labels(Labels.of("code", Integer.toString(status))).value(n).build()));
      return refused.build();
    }

    private static GaugeSnapshot certificateExpiry(Certificates certificates) {
      GaugeSnapshot.Builder expiry = GaugeSnapshot.builder().name("edgeport_certificate_expiry_timestamp_seconds")
          .help("When each served certificate expires (alert on it minus time(): a renewal that did not happen), by"
              + " host, origin and source (file, secret, acme)");
      for (ServedCertificate c : certificates.all()) {
        expiry.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .labels(Labels.of("host", c.hosts().isEmpty() ? "" : c.hosts().get(0), "origin", c.config().origin(),
                "source", CertificateSource.of(c).label()))
            .value(c.leaf().getNotAfter().getTime() / 1000.0).build());
      }
      return expiry.build();
    }

    private static GaugeSnapshot nodeHealth(Map<io.edgeport.health.CheckKey, NodeReport> reports) {
      // checkers that differ only in timing (two domains' intervals or thresholds) share their labels: one series,
      // 1 while all of them pass (a registry refuses two series with the same labels)
      Map<Labels, Boolean> byLabels = new LinkedHashMap<>();
      reports.forEach((key, report) -> byLabels.merge(
          Labels.of("node", key.node(), "port", Integer.toString(key.port()), "check", key.toString()),
          report.status() == NodeHealth.Status.UP, Boolean::logicalAnd));
      GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("edgeport_node_up")
          .help("1 when the node passes its check (UP), 0 when DOWN or not checked yet; by node, port and check");
      byLabels.forEach((labels, isUp) -> up.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
          .value(isUp ? 1 : 0).build()));
      return up.build();
    }
  }
}
