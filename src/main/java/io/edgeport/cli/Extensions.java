package io.edgeport.cli;

import io.edgeport.Edgeport;
import io.edgeport.admin.AdminServer;
import io.vertx.core.Vertx;

/** What runs beside the proxy in a CLI-started gateway: the admin listener (off unless configured). */
final class Extensions {
  private Extensions() {}

  static Edgeport.Extension[] standard(Vertx vertx) {
    return new Edgeport.Extension[] {new AdminServer(vertx, new Main.Version().getVersion()[0])};
  }
}
