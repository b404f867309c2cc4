package io.edgeport.acme;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;

/**
 * ACME state in a directory, readable by edgeport's user only (directories 0700, files 0600):
 * {@code account.key}, and per host {@code HOST/fullchain.pem}, {@code HOST/privkey.pem} (certbot's names), and while
 * an order is under way {@code HOST/order} and {@code HOST/order.key}. Each file is written whole to a temporary name
 * and renamed, so a crash leaves the old file or the new one, never half of one.
 */
public final class FileStore implements AcmeStore {
  private final Path dir;

  public FileStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileStore f && f.dir.equals(dir);
  }

  @Override
  public int hashCode() {
    return dir.hashCode();
  }

  /**
   * Can edgeport keep its state there? Creates the directory when missing.
   *
   * @return why not, or null
   */
  public static String problem(Path dir) {
    try {
      createDirectory(dir);
      Path probe = Files.createTempFile(dir, ".probe", ".tmp");
      Files.delete(probe);
      return null;
    } catch (AccessDeniedException e) {
      return "acme.storage " + dir + ": not writable by this user (" + e.getFile() + ": permission denied)";
    } catch (FileAlreadyExistsException e) {
      return "acme.storage " + dir + ": exists and is not a directory";
    } catch (IOException | UnsupportedOperationException e) {
      return "acme.storage " + dir + ": cannot be written: " + e;
    }
  }

  @Override
  public Optional<String> accountKey() throws IOException {
    return read(dir.resolve("account.key"));
  }

  @Override
  public void saveAccountKey(String keyPem) throws IOException {
    write(dir.resolve("account.key"), keyPem);
  }

  @Override
  public Optional<Stored> certificate(String host) throws IOException {
    Path d = hostDir(host);
    Optional<String> chain = read(d.resolve("fullchain.pem"));
    Optional<String> key = read(d.resolve("privkey.pem"));
    return chain.isPresent() && key.isPresent() ? Optional.of(new Stored(chain.get(), key.get())) : Optional.empty();
  }

  @Override
  public void saveCertificate(String host, Stored certificate) throws IOException {
    Path d = hostDir(host);
    // the key first: a crash in between leaves a chain that does not match it, which loading refuses (and orders)
    write(d.resolve("privkey.pem"), certificate.keyPem());
    write(d.resolve("fullchain.pem"), certificate.chainPem());
    savePendingOrder(host, null);
  }

  @Override
  public Optional<PendingOrder> pendingOrder(String host) throws IOException {
    Path d = hostDir(host);
    Optional<String> url = read(d.resolve("order"));
    Optional<String> key = read(d.resolve("order.key"));
    if (url.isEmpty() || key.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PendingOrder(URI.create(url.get().trim()).toURL(), key.get()));
    } catch (IllegalArgumentException | MalformedURLException e) {
      return Optional.empty(); // not ours or damaged: a new order
    }
  }

  @Override
  public void savePendingOrder(String host, PendingOrder order) throws IOException {
    Path d = hostDir(host);
    if (order == null) {
      Files.deleteIfExists(d.resolve("order"));
      Files.deleteIfExists(d.resolve("order.key"));
      return;
    }
    write(d.resolve("order.key"), order.keyPem());
    write(d.resolve("order"), order.order().toString() + "\n");
  }

  @Override
  public String describe() {
    return dir.toString();
  }

  /** A host's directory: its name is a checked host name, so it cannot climb out of {@code dir}. */
  private Path hostDir(String host) throws IOException {
    String name = host.toLowerCase(Locale.ROOT);
    if (!name.matches("[a-z0-9.-]+") || name.startsWith(".")) {
      throw new IOException("not a host name: " + host);
    }
    Path d = dir.resolve(name);
    createDirectory(d);
    return d;
  }

  private static void createDirectory(Path d) throws IOException {
    if (Files.isDirectory(d)) {
      return;
    }
    try {
      Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(d); // not a POSIX file system
    }
  }

  private static Optional<String> read(Path file) throws IOException {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static void write(Path file, String text) throws IOException {
    createDirectory(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own rules apply
    }
    try {
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
