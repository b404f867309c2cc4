package io.edgeport.cli;

import io.edgeport.Gateway;
import io.edgeport.admin.AdminServer;
import io.vertx.core.Vertx;

/** What runs beside the proxy in a CLI-started gateway: the admin listener (off unless configured). */
final class Extensions {
  private Extensions() {}

  static Gateway.Extension[] standard(Vertx vertx) {
    return new Gateway.Extension[] {new AdminServer(vertx, new Main.Version().getVersion()[0])};
  }
}
