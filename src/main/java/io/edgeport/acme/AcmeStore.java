package io.edgeport.acme;

import java.io.IOException;
import java.net.URL;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where ACME state survives a restart and a handover: the account key, each host's certificate and key, and an
 * order under way with its key (so that whoever resumes it downloads the certificate already issued instead of
 * ordering a second one). Standalone: files ({@link FileStore}); with Kubernetes: Secrets, shared by every replica.
 * Blocking (disk, API calls): used on worker threads only. Two stores are equal when they keep the same state through
 * the same connection: a reload then keeps the one it has (and what was read from it).
 */
public interface AcmeStore {

  /** A host's certificate chain (leaf first) and its private key, both PEM. */
  record Stored(String chainPem, String keyPem) {
    @Override
    public String toString() {
      return "Stored[" + chainPem.length() + " chars of chain]"; // never the key
    }
  }

  /** An order under way: its URL at the CA and the key its certificate will certify (PEM). */
  record PendingOrder(URL order, String keyPem) {
    @Override
    public String toString() {
      return "PendingOrder[" + order + "]";
    }
  }

  /** The account's key pair (PEM), or empty before the first order. */
  Optional<String> accountKey() throws IOException;

  void saveAccountKey(String keyPem) throws IOException;

  Optional<Stored> certificate(String host) throws IOException;

  /** Saves the certificate and clears the host's pending order, as one write where the store allows it. */
  void saveCertificate(String host, Stored certificate) throws IOException;

  Optional<PendingOrder> pendingOrder(String host) throws IOException;

  /** Records the order before its challenges are answered; {@code null} clears it (the order failed). */
  void savePendingOrder(String host, PendingOrder order) throws IOException;

  /**
   * Calls {@code changed} with a host whose certificate another replica stored (Kubernetes: a Secret changed).
   * A file store is written by its own process only: it never calls.
   */
  default void watch(Consumer<String> changed) {}

  /** A short description for logs and status ({@code /var/lib/edgeport/acme}, {@code Secrets in edgeport}). */
  String describe();

  default void close() {}
}
