package io.edgeport.acme;

import io.edgeport.config.AcmeConfig.Challenge;
import java.io.IOException;
import java.net.URL;
import java.util.Optional;

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

  /**
   * A challenge being answered for a host: its type and key authorization (RFC 8555 §8.1: the token, a dot, the
   * account key's thumbprint), from which the HTTP-01 answer and the TLS-ALPN-01 certificate follow. Not secret: the CA
   * fetches it in the clear.
   */
  record Answer(Challenge type, String keyAuthorization) {
    public String token() {
      int dot = keyAuthorization.indexOf('.');
      return dot < 0 ? keyAuthorization : keyAuthorization.substring(0, dot);
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
   * Whether other replicas read this store too (Kubernetes: Secrets) and this one follows its changes. A validation
   * may reach any replica, so the challenge being answered is kept in it ({@link #saveAnswer}) and each one answers
   * it; a store whose watch does not run is not shared: this replica answers alone.
   */
  default boolean shared() {
    return false;
  }

  /** Keeps the challenge being answered for {@code host} in a shared store; {@code null} clears it. */
  default void saveAnswer(String host, Answer answer) throws IOException {}

  /** Hears of changes to a shared store, its own writes included (on a thread of the store's). */
  interface Watcher {
    /** Another certificate was stored for {@code host}. */
    void certificateChanged(String host);

    /** The challenge being answered for {@code host} is now {@code answer} (null: none). */
    void answerChanged(String host, Answer answer);
  }

  /**
   * Follows the store's changes (Kubernetes: its Secrets): those there at the start come first. A file store is
   * written by its own process only: it never calls.
   */
  default void watch(Watcher watcher) {}

  /** A short description for logs and status ({@code /var/lib/edgeport/acme}, {@code Secrets in edgeport}). */
  String describe();

  default void close() {}
}
