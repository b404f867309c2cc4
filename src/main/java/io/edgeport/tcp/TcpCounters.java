package io.edgeport.tcp;

import io.edgeport.limit.ConnectionLimiter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the TCP ports of LoadBalancer Services did, per Service port ({@code namespace/name:port}) and node: for
 * metrics and the status view, and the port's open connections against its limits. Counted on the event loops
 * without locks.
 */
public final class TcpCounters {

  /** One Service port's totals. */
  static final class PortCounts {
    final LongAdder opened = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder overLimits = new LongAdder();
    /** Open connections in all and per client address, across the port's addresses and retargets. */
    final ConnectionLimiter connections = new ConnectionLimiter();
    final LongAdder noNode = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final Map<String, LongAdder> connectedByNode = new ConcurrentHashMap<>();
    final Map<String, LongAdder> connectFailuresByNode = new ConcurrentHashMap<>();
  }

  /**
   * @param open               connections open now
   * @param connections        connections accepted in all
   * @param refused            refused by loadBalancerSourceRanges
   * @param overLimits         closed at once: over maxConnections or maxConnectionsPerIp
   * @param noNode             closed at once: no node could take them
   * @param bytesIn            from clients toward nodes
   * @param bytesOut           from nodes toward clients
   * @param connectedByNode    connections each node took
   * @param connectFailuresByNode failed connects to each node
   */
  public record Totals(long open, long connections, long refused, long overLimits, long noNode, long bytesIn,
      long bytesOut, Map<String, Long> connectedByNode, Map<String, Long> connectFailuresByNode) {}

  private final Map<String, PortCounts> ports = new ConcurrentHashMap<>();

  PortCounts of(String port) {
    return ports.computeIfAbsent(port, p -> new PortCounts());
  }

  /** Each Service port's totals, by name. */
  public Map<String, Totals> totals() {
    Map<String, Totals> out = new TreeMap<>();
    ports.forEach((name, c) -> out.put(name, new Totals(c.opened.sum() - c.closed.sum(), c.opened.sum(),
        c.refused.sum(), c.overLimits.sum(), c.noNode.sum(), c.bytesIn.sum(), c.bytesOut.sum(),
        sums(c.connectedByNode), sums(c.connectFailuresByNode))));
    return out;
  }

  private static Map<String, Long> sums(Map<String, LongAdder> byNode) {
    Map<String, Long> out = new TreeMap<>();
    byNode.forEach((node, n) -> out.put(node, n.sum()));
    return out;
  }
}
