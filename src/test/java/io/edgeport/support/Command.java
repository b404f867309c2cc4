package io.edgeport.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external tool (curl, openssl, chromium, systemd-analyze) run to completion within a bound. Its output goes to
 * files, so a tool writing more than a pipe holds cannot block; its input is given up front and then ends, so a
 * prompt sees end of input instead of waiting; past the bound (or when the test is interrupted) it is killed with
 * every process it started.
 */
public final class Command {
  /** How it ended. */
  public record Result(int exit, String out, String err) {
    /** Both streams, as a terminal would show them together. */
    public String output() {
      return out + err;
    }
  }

  private Command() {}

  /** Runs {@code command} in the current directory with no input. */
  public static Result run(long seconds, List<String> command) throws Exception {
    return run(null, "", seconds, command);
  }

  /**
   * @param dir   its working directory, or null for the current one
   * @param input all of its standard input
   */
  public static Result run(Path dir, String input, long seconds, List<String> command) throws Exception {
    Path in = Files.createTempFile("command", ".in");
    Path out = Files.createTempFile("command", ".out");
    Path err = Files.createTempFile("command", ".err");
    Process p = null;
    try {
      Files.writeString(in, input, StandardCharsets.ISO_8859_1);
      p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile()).redirectInput(in.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        kill(p);
        throw new AssertionError(String.join(" ", command) + ": did not finish within " + seconds + " s; output:\n"
            + read(out) + read(err));
      }
      return new Result(p.exitValue(), read(out), read(err));
    } finally {
      if (p != null && p.isAlive()) {
        kill(p); // interrupted: the test gave up on it
      }
      for (Path f : List.of(in, out, err)) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** SIGKILL to it and its descendants (a browser's renderers), and a bounded wait for it to be gone. */
  static void kill(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  private static String read(Path file) throws java.io.IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
