package io.edgeport.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a /32 (or /128). */
public final class Cidr {
  private final byte[] network;
  private final int prefixLength;
  private final String text;

  private Cidr(byte[] network, int prefixLength, String text) {
    this.network = network;
    this.prefixLength = prefixLength;
    this.text = text;
  }

  /** @throws IllegalArgumentException with a message fit for the user */
  public static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = IpLiterals.parse(addr);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR (like 10.0.0.0/8)");
    }
    int max = bytes.length * 8;
    int len = max;
    if (slash >= 0) {
      try {
        len = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        len = -1;
      }
      if (len < 0 || len > max) {
        throw new IllegalArgumentException("'" + text + "': prefix length must be 0-" + max);
      }
    }
    return new Cidr(mask(bytes, len), len, s);
  }

  private static byte[] mask(byte[] addr, int len) {
    byte[] out = addr.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, len - i * 8));
      out[i] &= (byte) (0xff << (8 - bits));
    }
    return out;
  }

  /** @param address raw address bytes (4 or 16) */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int m = 0xff << (8 - rest);
    return (address[full] & m) == (network[full] & m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    return text;
  }

  /** IP literal parsing that never touches DNS (unlike a bare {@link InetAddress#getByName}). */
  public static final class IpLiterals {
    private IpLiterals() {}

    /** @return 4 or 16 bytes, or null when {@code s} is not an IP literal */
    public static byte[] parse(String s) {
      if (s.isEmpty()) {
        return null;
      }
      byte[] v4 = parseV4(s);
      if (v4 != null) {
        return v4;
      }
      if (s.indexOf(':') < 0) {
        return null;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        boolean ok = c == ':' || c == '.' || c == '%' || Character.digit(c, 16) >= 0;
        if (!ok) {
          return null;
        }
      }
      try {
        // only hex digits, colons and dots: a literal, so no name lookup happens
        return InetAddress.getByName(s).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }

    private static byte[] parseV4(String s) {
      byte[] out = new byte[4];
      int part = 0;
      int value = -1;
      for (int i = 0; i <= s.length(); i++) {
        char c = i < s.length() ? s.charAt(i) : '.';
        if (c >= '0' && c <= '9') {
          value = value < 0 ? c - '0' : value * 10 + (c - '0');
          if (value > 255) {
            return null;
          }
        } else if (c == '.' && value >= 0 && part < 4) {
          out[part++] = (byte) value;
          value = -1;
        } else {
          return null;
        }
      }
      return part == 4 ? out : null;
    }
  }
}
