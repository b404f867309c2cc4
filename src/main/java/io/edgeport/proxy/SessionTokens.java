package io.edgeport.proxy;

import io.edgeport.model.SessionPersistence;
import io.edgeport.routing.SessionTable;
import io.vertx.core.MultiMap;
import java.util.List;

/** Session persistence tokens on the wire: read from the request's cookie or header, handed out with the answer. */
final class SessionTokens {
  private SessionTokens() {}

  /** The token the request carries, or null. */
  static String read(MultiMap headers, SessionPersistence policy) {
    if (policy.type() == SessionPersistence.Type.HEADER) {
      return headers.get(policy.name());
    }
    List<String> cookies = headers.getAll("cookie"); // HTTP/2 may split them over several fields
    String name = policy.name();
    for (int c = 0; c < cookies.size(); c++) {
      String line = cookies.get(c);
      int i = 0;
      while (i < line.length()) {
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ';')) {
          i++;
        }
        int end = line.indexOf(';', i);
        end = end < 0 ? line.length() : end;
        if (line.startsWith(name, i) && i + name.length() < end && line.charAt(i + name.length()) == '=') {
          return line.substring(i + name.length() + 1, end).trim();
        }
        i = end + 1;
      }
    }
    return null;
  }

  /** Hands out {@code token}: a cookie (Secure over HTTPS; with Max-Age when permanent) or a header. */
  static void write(MultiMap out, SessionTable sessions, String token, boolean tls, long issuedSeconds,
      long nowSeconds) {
    SessionPersistence policy = sessions.policy();
    if (policy.type() == SessionPersistence.Type.HEADER) {
      out.set(policy.name(), token);
      return;
    }
    StringBuilder cookie = new StringBuilder(policy.name()).append('=').append(token)
        .append("; Path=/; HttpOnly; SameSite=Lax");
    if (tls) {
      cookie.append("; Secure");
    }
    if (policy.permanent() && policy.absoluteTimeout() != null) {
      cookie.append("; Max-Age=").append(sessions.maxAge(issuedSeconds, nowSeconds));
    }
    out.add("set-cookie", cookie.toString());
  }
}
