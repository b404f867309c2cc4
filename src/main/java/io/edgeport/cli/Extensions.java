package io.edgeport.cli;

import io.edgeport.Gateway;
import io.vertx.core.Vertx;

/** What runs beside the proxy in a CLI-started gateway. */
final class Extensions {
  private Extensions() {}

  static Gateway.Extension[] standard(Vertx vertx) {
    return new Gateway.Extension[0];
  }
}
