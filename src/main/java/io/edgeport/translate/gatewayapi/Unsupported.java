package io.edgeport.translate.gatewayapi;

/**
 * Why a route cannot be served (Accepted False, UnsupportedValue): thrown where the translation finds it, caught once
 * per route, which is then not served at all.
 */
final class Unsupported extends RuntimeException {
  Unsupported(String message) {
    super(message, null, false, false);
  }
}
