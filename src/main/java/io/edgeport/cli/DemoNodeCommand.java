package io.edgeport.cli;

import io.edgeport.demo.DemoNodes;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One simulated node on a machine or container of its own: the node containers of docker-compose.yml.
 * It stops the way a node dies (the process ends, its connections with it), which is what the demo's
 * failover shows.
 */
@Command(name = "demo-node", mixinStandardHelpOptions = true,
    description = "Serve one simulated cluster node: a page that names it, on the nodePort (the compose demo's nodes).")
final class DemoNodeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "the name its page and X-Node header show")
  String name;

  @Option(names = "--address", defaultValue = "0.0.0.0", paramLabel = "IP",
      description = "the address to listen on (default: ${DEFAULT-VALUE})")
  String address;

  @Option(names = "--node-port", defaultValue = "30005", paramLabel = "PORT",
      description = "the nodePort it serves (default: ${DEFAULT-VALUE})")
  int nodePort;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Vertx vertx = null;
    try {
      vertx = Serving.createVertx(1);
      DemoNodes.startOne(vertx, name, address, nodePort).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      spec.commandLine().getErr().println("edgeport demo-node: " + e.getMessage());
      if (vertx != null) {
        vertx.close();
      }
      return 1;
    }
    out.println("demo node " + name + " serving " + address + ":" + nodePort);
    out.flush();
    new CountDownLatch(1).await(); // until the process is stopped
    return 0;
  }
}
