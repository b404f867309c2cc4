package io.edgeport.proxy;

/** Where a plain-HTTP request of a {@code redirectHttps} domain is sent: the same URL on the HTTPS listener. */
final class HttpsRedirect {
  private HttpsRedirect() {}

  /**
   * @param httpsPort the HTTPS listener's port; 443 is left out of the URL
   */
  static String location(RequestTarget target, int httpsPort) {
    String authority = target.authority();
    int colon = authority.lastIndexOf(':');
    String host = colon > 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority;
    return "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + target.target();
  }
}
