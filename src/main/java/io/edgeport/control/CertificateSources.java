package io.edgeport.control;

import io.edgeport.acme.AcmeManager;
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
import java.util.Map;
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
  /** {@link #served(AcmeManager)}'s last answer and what it was made of. */
  private Certificates withAcme;
  private Certificates withAcmeBase;
  private List<ServedCertificate> withAcmeFrom;
  private Map<String, ServedCertificate> withAcmeValidation;
  private ServedCertificate withAcmePlaceholder;

  public CertificateSources(Vertx vertx, ControlLoop control) {
    this.vertx = vertx;
    this.control = control;
  }

  /**
   * Reads and checks the config's certificate files, and whether its ACME section can work (its CA certificates read,
   * its storage written); blocking, so on a worker thread.
   */
  public Future<Certificates> load(EdgeportConfig next) {
    Certificates previous = files;
    return control.here(vertx.executeBlocking(() -> loadChecked(next, previous, Instant.now()), false));
  }

  /** The certificate files of {@code next}, checked, or every problem of them and of its ACME section. */
  public static Certificates loadChecked(EdgeportConfig next, Certificates previous, Instant now)
      throws CertificateLoader.CertificateProblems {
    List<String> problems = new ArrayList<>();
    Certificates loaded = null;
    try {
      loaded = CertificateLoader.load(next.tls(), previous, now);
    } catch (CertificateLoader.CertificateProblems e) {
      problems.addAll(e.problems());
    }
    problems.addAll(AcmeManager.problems(next.acme(), next.kubernetes() != null));
    if (!problems.isEmpty()) {
      throw new CertificateLoader.CertificateProblems(problems);
    }
    return loaded;
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

  /**
   * The config's, the cluster's and ACME's certificates as one value: the same instance while none changed (a
   * generation is rebuilt only when what it holds changed).
   */
  public Certificates served(AcmeManager acme) {
    if (acme.placeholder() == null && acme.certificates().isEmpty() && acme.validation().isEmpty()) {
      return served;
    }
    if (withAcme == null || withAcmeBase != served || withAcmeFrom != acme.certificates()
        || withAcmeValidation != acme.validation() || withAcmePlaceholder != acme.placeholder()) {
      withAcmeBase = served;
      withAcmeFrom = acme.certificates();
      withAcmeValidation = acme.validation();
      withAcmePlaceholder = acme.placeholder();
      withAcme = Certificates.of(files, cluster, withAcmeFrom, withAcmePlaceholder, withAcmeValidation);
    }
    return withAcme;
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
