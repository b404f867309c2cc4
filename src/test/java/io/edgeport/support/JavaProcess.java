package io.edgeport.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The edgeport CLI as a real process on the test class path, its output collected line by line. */
public final class JavaProcess implements AutoCloseable {
  /** Those still running: killed when the test JVM ends, however it ends (stopped as hung, too), never left serving. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }), "kill-test-processes"));
  }

  /**
   * Run first: SIGHUP at its default, as systemd and container runtimes start edgeport, whatever this JVM was started
   * with (a CI agent running its steps under nohup has it ignored, and so would every process started from here).
   */
  private static final List<String> DEFAULT_SIGHUP = defaultSighup();

  private static List<String> defaultSighup() {
    List<String> env = List.of("env", "--default-signal=HUP");
    try {
      List<String> probe = new ArrayList<>(env);
      probe.add("true");
      return Command.run(10, probe).exit() == 0 ? env : List.of(); // GNU env 8.31 and later
    } catch (Exception e) {
      return List.of();
    }
  }

  /** Has {@code process} killed when the test JVM ends, if it still runs then (any process a test starts). */
  static void killAtExit(Process process) {
    RUNNING.add(process);
    process.onExit().thenRun(() -> RUNNING.remove(process));
  }

  private final Process process;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  /** Both streams, in the order lines arrived. */
  private final List<String> inOrder = new CopyOnWriteArrayList<>();

  private record Waiter(Predicate<String> match, CompletableFuture<String> found) {}

  private JavaProcess(Process process) {
    this.process = process;
    killAtExit(process);
    pump(process.getInputStream(), out);
    pump(process.getErrorStream(), err);
  }

  public static JavaProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, List.of(), args);
  }

  /** @param jvmOptions options for the JVM itself, like a heap limit */
  public static JavaProcess start(Path workDir, List<String> jvmOptions, String... args) throws IOException {
    return startMain(workDir, jvmOptions, "io.edgeport.cli.Main", args);
  }

  /**
   * The CLI as {@code launcher} starts it ({@code nohup}, {@code unshare …}, {@code setpriv …}): the launcher must exec
   * the JVM command it is given last, so that this process is the JVM itself.
   */
  public static JavaProcess startUnder(List<String> launcher, Path workDir, String... args) throws IOException {
    return start(launcher, workDir, List.of(), "io.edgeport.cli.Main", args);
  }

  /** Any main class of the test class path (a node process, say) as a real process. */
  public static JavaProcess startMain(Path workDir, List<String> jvmOptions, String mainClass, String... args)
      throws IOException {
    return start(List.of(), workDir, jvmOptions, mainClass, args);
  }

  private static JavaProcess start(List<String> launcher, Path workDir, List<String> jvmOptions, String mainClass,
      String... args) throws IOException {
    List<String> cmd = new ArrayList<>(DEFAULT_SIGHUP);
    cmd.addAll(launcher);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile());
    builder.environment().put("EDGEPORT_LOG_LEVEL", "DEBUG"); // health transitions, for tests to wait on
    return new JavaProcess(builder.start());
  }

  /** Runs to completion (bounded) and returns the exit code. */
  public static JavaProcess run(Path workDir, String... args) throws Exception {
    JavaProcess p = start(workDir, args);
    if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
      p.close();
      throw new AssertionError("edgeport " + String.join(" ", args) + " did not finish");
    }
    p.drained.get(10, TimeUnit.SECONDS);
    return p;
  }

  private final CompletableFuture<Void> outDone = new CompletableFuture<>();
  private final CompletableFuture<Void> errDone = new CompletableFuture<>();
  private final CompletableFuture<Void> drained = CompletableFuture.allOf(outDone, errDone);

  private void pump(java.io.InputStream stream, List<String> lines) {
    CompletableFuture<Void> done = lines == out ? outDone : errDone;
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.add(line);
          inOrder.add(line);
          for (Waiter w : waiters) {
            if (w.match().test(line)) {
              w.found().complete(line);
            }
          }
        }
      } catch (IOException ignored) {
        // the process went away
      } finally {
        done.complete(null);
      }
    }, "edgeport-output");
    t.setDaemon(true);
    t.start();
  }

  /** Waits (bounded) for an output line on either stream that contains {@code text}. */
  public String awaitLine(String text, long seconds) throws Exception {
    CompletableFuture<String> found = new CompletableFuture<>();
    waiters.add(new Waiter(l -> l.contains(text), found));
    for (String l : output()) {
      if (l.contains(text)) {
        return l;
      }
    }
    return await(found, "no line with '" + text + "'", seconds);
  }

  /** The line {@code found} completes with, or an error at once when the process has ended without it. */
  private String await(CompletableFuture<String> found, String missing, long seconds) throws Exception {
    try {
      CompletableFuture.anyOf(found, drained).get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(missing + " within " + seconds + " s; output:\n" + String.join("\n", output()));
    }
    if (!found.isDone()) { // its output ended first (a line completes its waiter before the end is read)
      throw new AssertionError(missing + ": the process ended" + (process.isAlive() ? "" : " with exit code "
          + process.exitValue()) + "; output:\n" + String.join("\n", output()));
    }
    return found.get();
  }

  /** A mark in the output: {@link #awaitLineAfter} sees only lines written after it. */
  public int mark() {
    return inOrder.size();
  }

  /** Like {@link #awaitLine}, for a line written after {@code mark} (a log line that repeats, like a reload's). */
  public String awaitLineAfter(int mark, String text, long seconds) throws Exception {
    CompletableFuture<String> found = new CompletableFuture<>();
    waiters.add(new Waiter(l -> l.contains(text), found)); // sees only lines from now on, all after the mark
    List<String> all = List.copyOf(inOrder);
    for (String l : all.subList(Math.min(mark, all.size()), all.size())) {
      if (l.contains(text)) {
        return l;
      }
    }
    return await(found, "no new line with '" + text + "'", seconds);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a signal by name ("HUP", "TERM") and returns at once. */
  public void signal(String name) throws Exception {
    Command.Result kill = Command.run(10, List.of("kill", "-" + name, Long.toString(process.pid())));
    if (kill.exit() != 0) {
      throw new AssertionError("kill -" + name + " failed: " + kill.output());
    }
  }

  /** SIGKILL: the process dies at once, its connections reset by the kernel. */
  public void kill() throws Exception {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("still alive after SIGKILL");
    }
    drained.get(10, TimeUnit.SECONDS); // every line it wrote has been read
  }

  /** Sends SIGTERM and returns at once. */
  public void terminate() {
    process.destroy();
  }

  /** Waits (bounded) for the process to end; returns its exit code. */
  public int awaitExit(long seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("still running after " + seconds + " s");
    }
    return process.exitValue();
  }

  public int exitCode() {
    return process.exitValue();
  }

  public List<String> stdout() {
    return List.copyOf(out);
  }

  public List<String> stderr() {
    return List.copyOf(err);
  }

  public List<String> output() {
    List<String> all = new ArrayList<>(out);
    all.addAll(err);
    return all;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      Command.kill(process);
    }
  }
}
