package io.edgeport.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Nodes 127.0.0.2, 127.0.0.3, … as separate processes ({@link NodeMain}) on one free port, each killable for real. */
public final class NodeProcesses implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final List<String> addresses = new ArrayList<>();
  private final JavaProcess[] running;
  /** Requests each node saw in earlier lives (before it was killed). */
  private final int[] seenBefore;

  public NodeProcesses(Path dir, int count) throws Exception {
    this.dir = dir;
    for (int i = 0; i < count; i++) {
      addresses.add("127.0.0." + (i + 2));
    }
    this.port = TestNodes.freePort(addresses.get(0));
    this.running = new JavaProcess[count];
    this.seenBefore = new int[count];
  }

  public int port() {
    return port;
  }

  public List<String> addresses() {
    return addresses;
  }

  /** Starts node {@code i} in {@code mode} (serve, hold, reset) and waits until it listens. */
  public void start(int i, String mode) throws Exception {
    JavaProcess p = JavaProcess.startMain(dir, List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"),
        NodeMain.class.getName(), addresses.get(i), Integer.toString(port), "node-" + (i + 1), mode);
    p.awaitLine("ready", 30);
    running[i] = p;
  }

  /** SIGKILL. */
  public void kill(int i) throws Exception {
    running[i].kill();
    seenBefore[i] += requestsSeen(running[i]);
    running[i] = null;
  }

  public JavaProcess process(int i) {
    return running[i];
  }

  /** Requests node {@code i} received, over all its lives. */
  public int requests(int i) {
    JavaProcess p = running[i];
    return seenBefore[i] + (p == null ? 0 : requestsSeen(p));
  }

  private static int requestsSeen(JavaProcess p) {
    return (int) p.stdout().stream().filter(l -> l.startsWith("request ")).count();
  }

  @Override
  public void close() throws Exception {
    for (JavaProcess p : running) {
      if (p != null && p.isAlive()) {
        p.kill();
      }
    }
  }
}
