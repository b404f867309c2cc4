package io.edgeport.acme;

import java.net.URI;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider (any RFC 8555 directory URL over https) with a trust of its own for the CA's API: a
 * private CA's roots ({@code acme.caCertificates}) instead of the JDK's.
 */
public final class TrustingProvider extends GenericAcmeProvider {
  private final SSLContext ssl;

  public TrustingProvider(SSLContext ssl) {
    this.ssl = ssl;
  }

  @Override
  protected HttpConnector createHttpConnector(NetworkSettings settings) {
    return new HttpConnector(settings) {
      @Override
      public HttpClient.Builder createClientBuilder() {
        return super.createClientBuilder().sslContext(ssl);
      }
    };
  }

  @Override
  public boolean accepts(URI serverUri) {
    return "https".equals(serverUri.getScheme());
  }
}
