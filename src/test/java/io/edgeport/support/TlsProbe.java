package io.edgeport.support;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** One TLS handshake with the gateway, to see what it serves: the certificate for an SNI name (or none). */
public final class TlsProbe {
  /** What the handshake ended with. */
  public record Handshake(X509Certificate leaf, String protocol) {
    public String names() {
      try {
        return String.valueOf(leaf.getSubjectAlternativeNames());
      } catch (java.security.cert.CertificateParsingException e) {
        return e.toString();
      }
    }
  }

  private TlsProbe() {}

  /**
   * @param sniName the SNI name to send, or null: none
   * @param protocol "TLSv1.2", "TLSv1.3", or null for the client's default
   */
  public static Handshake handshake(int port, String sniName, String protocol) throws Exception {
    try (SSLSocket socket = connect(port, sniName, protocol)) {
      return new Handshake((X509Certificate) socket.getSession().getPeerCertificates()[0],
          socket.getSession().getProtocol());
    }
  }

  /** A connection to the gateway's HTTPS port, its handshake done (for {@link RawHttp#over}). */
  public static SSLSocket connect(int port, String sniName, String protocol) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AcceptAll()}, null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
    try {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(sniName == null ? List.of() : List.of(new SNIHostName(sniName)));
      if (protocol != null) {
        parameters.setProtocols(new String[] {protocol});
      }
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket;
    } catch (Exception e) {
      socket.close();
      throw e;
    }
  }

  /** The probe looks at what is served; whether a client would trust it is what the curl tests show. */
  private static final class AcceptAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
