package io.edgeport.health;

import io.vertx.core.Future;

/** One active check of a node; the network one in production, scripted ones in tests. */
@FunctionalInterface
public interface Probe {

  /** @param hostHeader the Host to send with an HTTP check (a domain of the backend) */
  Future<Result> check(CheckKey key, String hostHeader);

  /** @param detail why it failed (for the log), or "ok" */
  record Result(boolean ok, String detail) {
    public static final Result OK = new Result(true, "ok");

    public static Result failed(String detail) {
      return new Result(false, detail);
    }
  }
}
