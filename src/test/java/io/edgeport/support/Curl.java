package io.edgeport.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The curl binary, as a user would run it against the gateway. */
public final class Curl {
  /** Its output: the body, then a last line written by {@code -w}. */
  public record Result(int exit, String body, String writeOut, String stderr) {}

  private Curl() {}

  /** Runs {@code curl -sS ARGS -w '\n%{http_code} %{http_version}'}; writeOut is "CODE VERSION". */
  public static Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(args));
    command.addAll(List.of("-w", "\n%{http_code} %{http_version}"));
    Process p = new ProcessBuilder(command).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("curl did not finish: " + command);
    }
    String all = new String(out, StandardCharsets.UTF_8);
    int nl = all.lastIndexOf('\n');
    return new Result(p.exitValue(), nl < 0 ? "" : all.substring(0, nl), all.substring(nl + 1), err);
  }
}
