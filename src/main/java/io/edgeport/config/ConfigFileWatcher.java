package io.edgeport.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a config file for changes, the way editors and tools really change files: it watches the
 * file's directory, not the file, so a write in place, a rename over the file (vim, sed -i, atomic
 * writers) and Kubernetes' ConfigMap symlink swap are all seen. A burst of events is one change
 * once the directory has been quiet for {@link #QUIET_MILLIS}; a change is reported only when the
 * file's bytes differ from the last ones reported.
 */
public final class ConfigFileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.config");
  static final long QUIET_MILLIS = 200;

  private final Path file;
  private final Runnable onChange;
  private final WatchService watcher;
  private final Thread thread;
  private byte[] last;

  private ConfigFileWatcher(Path file, Runnable onChange) throws IOException {
    this.file = file.toAbsolutePath();
    this.onChange = onChange;
    this.last = read();
    this.watcher = FileSystems.getDefault().newWatchService();
    Path dir = this.file.getParent();
    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
    this.thread = new Thread(this::run, "edgeport-config-watch");
    thread.setDaemon(true);
  }

  /** Starts watching; {@code onChange} runs on the watcher's thread after each change of the file's content. */
  public static ConfigFileWatcher start(Path file, Runnable onChange) throws IOException {
    ConfigFileWatcher w = new ConfigFileWatcher(file, onChange);
    w.thread.start();
    return w;
  }

  private byte[] read() {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return null; // gone for a moment (a rename in progress) or unreadable: the loader will say which
    }
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        drain(key);
        // quiet period: editors write in several steps
        for (WatchKey more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS); more != null;
            more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) {
          drain(more);
        }
        byte[] now = read();
        if (now != null && !Arrays.equals(now, last)) {
          last = now;
          try {
            onChange.run();
          } catch (RuntimeException e) {
            LOG.error("config reload failed", e);
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  private static void drain(WatchKey key) {
    key.pollEvents();
    key.reset();
  }

  @Override
  public void close() throws IOException {
    watcher.close();
    thread.interrupt();
  }
}
