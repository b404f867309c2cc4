package io.edgeport.support;

import java.util.ArrayList;
import java.util.List;

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
    Command.Result r = Command.run(30, command);
    String all = r.out();
    int nl = all.lastIndexOf('\n');
    return new Result(r.exit(), nl < 0 ? "" : all.substring(0, nl), all.substring(nl + 1), r.err());
  }
}
