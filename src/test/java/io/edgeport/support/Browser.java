package io.edgeport.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The admin dashboard in a real browser: headless Chromium ({@code .ci/run} installs it). */
public final class Browser {
  private Browser() {}

  static Path chromium() {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    throw new AssertionError("headless Chromium is needed (apt-get install chromium; .ci/run installs it)");
  }

  /** The dashboard's DOM once its script has run (virtual time lets its first fetch and render finish). */
  public static String renderedDom(Path dir, int adminPort) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium");
    List<String> cmd = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=3000", "--dump-dom",
        "http://127.0.0.1:" + adminPort + "/"));
    return Command.run(60, cmd).out();
  }
}
