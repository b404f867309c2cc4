package io.edgeport.control;

import io.edgeport.config.ConfigFileWatcher;
import io.edgeport.config.EdgeportConfig;
import io.edgeport.model.DiscoveredCertificate;
import io.edgeport.tls.CertificateLoader;
import io.edgeport.tls.Certificates;
import io.edgeport.tls.ServedCertificate;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTPS listener serves: the config's certificate files (checked before a config is applied, and watched:
 * a renewal is a reload) and the certificates the cluster names (Ingress TLS, Gateway listeners), checked on a
 * worker as they change. Used on the control context.
 */
public final class CertificateSources {
  /** The root's logger: the control plane's lines read as one ({@code Edgeport - …}). */
  private static final Logger LOG = LoggerFactory.getLogger("io.edgeport.Edgeport");

  private final Vertx vertx;
  private final ControlLoop control;
  private Certificates files = Certificates.NONE;
  private List<ServedCertificate> cluster = List.of();
  private Certificates served = Certificates.NONE;
  private ConfigFileWatcher watcher;
  /** The cluster's certificates as last asked for, and whether a load of them is under way. */
  private List<DiscoveredCertificate> wanted = List.of();
  private Future<Void> loading;

  public CertificateSources(Vertx vertx, ControlLoop control) {
    this.vertx = vertx;
    this.control = control;
  }

  /** Reads and checks the config's certificate files (blocking, so on a worker thread). */
  public Future<Certificates> load(EdgeportConfig next) {
    Certificates previous = files;
    return control.here(vertx.executeBlocking(() -> CertificateLoader.load(next.tls(), previous, Instant.now()), false));
  }

  /** Are these the files served now, unchanged? */
  public boolean serving(Certificates loaded) {
    return loaded.sameAs(files);
  }

  /**
   * Serves {@code loaded} (the files of {@code next}) and follows its files: on a change, {@code onChange} runs (a
   * reload of the config current then).
   */
  public void commit(EdgeportConfig next, Certificates loaded, Runnable onChange) {
    files = loaded;
    served = Certificates.of(files, cluster);
    List<Path> paths = new ArrayList<>();
    next.tls().forEach(c -> {
      paths.add(c.cert());
      paths.add(c.key());
    });
    if (watcher != null && watcher.files().equals(paths)) {
      return;
    }
    close();
    if (!paths.isEmpty()) {
      try {
        watcher = ConfigFileWatcher.start(paths, onChange);
      } catch (IOException e) {
        LOG.warn("cannot watch the certificate files for changes ({}); a SIGHUP reloads them", e.getMessage());
      }
    }
  }

  /**
   * Serves the cluster's certificates: each is checked on a worker (parsing and a signature each), a bad one is left
   * out with a warning, as cluster state cannot be refused like a config. One load at a time, and the latest
   * certificates asked for are always the ones that end up loaded.
   *
   * @return completes once the latest certificates asked for are served (then a new generation should serve them)
   */
  public Future<Void> follow(List<DiscoveredCertificate> next) {
    if (!next.equals(wanted)) {
      wanted = next;
      if (loading == null) {
        // marked under way before it starts: a check done before its listener is attached completes it at once
        Promise<Void> loaded = Promise.promise();
        loading = loaded.future();
        loadLatest().onComplete(ar -> {
          loading = null;
          loaded.complete();
        });
      } // else the load under way loads these too once it is done
    }
    return loading != null ? loading : Future.succeededFuture();
  }

  private Future<Void> loadLatest() {
    List<DiscoveredCertificate> asked = wanted;
    Certificates known = Certificates.of(Certificates.NONE, cluster);
    return control.here(vertx.executeBlocking(() -> check(asked, known), false)).transform(ar -> {
      if (!wanted.equals(asked)) {
        return loadLatest(); // newer ones came meanwhile
      }
      if (ar.failed()) {
        LOG.warn("the cluster's certificates cannot be checked: {}; the ones served stay", ar.cause().toString());
        return Future.succeededFuture();
      }
      if (!ar.result().equals(cluster)) {
        LOG.info("serving {} certificate(s) from the cluster{}", ar.result().size(), ar.result().isEmpty() ? ""
            : ": " + String.join(", ", ar.result().stream().map(c -> c.config().origin()).toList()));
      }
      cluster = ar.result();
      served = Certificates.of(files, cluster);
      return Future.succeededFuture();
    });
  }

  private static List<ServedCertificate> check(List<DiscoveredCertificate> asked, Certificates known) {
    List<ServedCertificate> good = new ArrayList<>();
    for (DiscoveredCertificate c : asked) {
      try {
        good.add(CertificateLoader.fromPem(c.hosts(), c.certPem(), c.keyPem(), c.origin(), known, Instant.now()));
      } catch (RuntimeException e) {
        LOG.warn("{}: not served: {}", c.origin(), e instanceof IllegalArgumentException ? e.getMessage() : e);
      }
    }
    return List.copyOf(good);
  }

  /** The config's certificates and the cluster's, as served now. */
  public Certificates served() {
    return served;
  }

  /** Stops following the files. */
  public void close() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        LOG.debug("closing the certificate watcher", e);
      }
      watcher = null;
    }
  }
}
