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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a config file (or a config's certificate files) for changes, the way editors and tools
 * really change files: it watches each file's directory, not the file, so a write in place, a rename
 * over the file (vim, sed -i, atomic writers, certbot) and Kubernetes' ConfigMap and Secret symlink
 * swaps are all seen. A burst of events is one change once the directories have been quiet for
 * {@link #QUIET_MILLIS}; a change is reported only when some file's bytes differ from the last ones
 * reported.
 */
public final class ConfigFileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("edgeport.config");
  static final long QUIET_MILLIS = 200;

  private final List<Path> files;
  private final Runnable onChange;
  private final WatchService watcher;
  private final Thread thread;
  private final Map<Path, byte[]> last = new HashMap<>();

  private ConfigFileWatcher(List<Path> files, Runnable onChange) throws IOException {
    this.files = List.copyOf(files);
    this.onChange = onChange;
    this.watcher = FileSystems.getDefault().newWatchService();
    Set<Path> dirs = new HashSet<>();
    for (Path f : this.files) {
      Path file = f.toAbsolutePath();
      last.put(file, read(file));
      if (dirs.add(file.getParent())) {
        file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
    }
    this.thread = new Thread(this::run, "edgeport-config-watch");
    thread.setDaemon(true);
  }

  /** Starts watching; {@code onChange} runs on the watcher's thread after each change of the file's content. */
  public static ConfigFileWatcher start(Path file, Runnable onChange) throws IOException {
    return start(List.of(file), onChange);
  }

  /** Starts watching; {@code onChange} runs on the watcher's thread after each change of any file's content. */
  public static ConfigFileWatcher start(List<Path> files, Runnable onChange) throws IOException {
    ConfigFileWatcher w = new ConfigFileWatcher(files, onChange);
    w.thread.start();
    return w;
  }

  /** The watched files, as given. */
  public List<Path> files() {
    return files;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return null; // gone for a moment (a rename in progress) or unreadable: the loader will say which
    }
  }

  /** Has any file's content changed since the last look? (Remembers what it saw.) */
  private boolean changed() {
    boolean any = false;
    for (Map.Entry<Path, byte[]> e : last.entrySet()) {
      byte[] now = read(e.getKey());
      if (now != null && !Arrays.equals(now, e.getValue())) {
        e.setValue(now);
        any = true;
      }
    }
    return any;
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
        if (changed()) {
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
