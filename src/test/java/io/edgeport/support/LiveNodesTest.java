package io.edgeport.support;

import io.edgeport.Edgeport;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Tests with their own three nodes on 127.0.0.2-4 and a gateway started from a config file. */
public abstract class LiveNodesTest {
  @TempDir
  protected Path dir;

  protected Vertx vertx;
  protected TestNodes nodes;
  protected Edgeport gateway;

  @BeforeEach
  void startNodes() throws Exception {
    vertx = Vertx.vertx();
    nodes = TestNodes.start(vertx, 3);
  }

  @AfterEach
  void stopAll() throws Exception {
    if (gateway != null) {
      gateway.close().await(10, TimeUnit.SECONDS);
    }
    nodes.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  protected Edgeport startGateway(String yaml, int workers, Edgeport.Extension... extensions) throws Exception {
    gateway = Edgeport.start(vertx, Configs.load(dir, yaml), workers, extensions).await(40, TimeUnit.SECONDS);
    return gateway;
  }
}
