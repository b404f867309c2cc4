package io.edgeport.limit;

import io.edgeport.net.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who "one client" is for the per-client limits: an IPv4 address (also when written IPv4-mapped, {@code
 * ::ffff:192.0.2.7}), or an IPv6 address's first {@code limits.ipv6Prefix} bits. A host or a home is given a whole
 * IPv6 /64 (RFC 6177, RFC 7421) and may use any address in it, so keyed by address it could take a fresh budget for
 * every request. Text that is no IP literal (an X-Forwarded-For entry a trusted proxy wrote) stands for itself.
 */
public final class ClientKey {
  private static final long V6 = 0x6a09e667f3bcc908L;
  private static final long NOT_IP = 0xbb67ae8584caa73bL;

  private ClientKey() {}

  /** The same for every address of one client, and salted by {@code seed}, for a hash table. Allocates nothing. */
  public static long hash(String address, int ipv6Prefix, long seed) {
    int end = address.indexOf('%'); // a zone (fe80::1%eth0) is not part of the address
    end = end < 0 ? address.length() : end;
    if (address.indexOf(':') < 0) {
      long v4 = ipv4(address, 0, end);
      return v4 >= 0 ? mix(seed ^ v4) : notIp(address, seed);
    }
    // groups before a "::" (or all of them without one) go where they belong; those after it are shifted in
    // from the right of tailHi:tailLo, which then holds them in their places too
    long hi = 0;
    long lo = 0;
    long tailHi = 0;
    long tailLo = 0;
    int groups = 0;
    int gap = -1; // groups before the "::", or -1 without one
    int i = 0;
    if (address.startsWith("::")) {
      gap = 0;
      i = 2;
    }
    while (i < end) {
      int start = i;
      int value = 0;
      while (i < end && i - start < 4 && hex(address.charAt(i)) >= 0) {
        value = value << 4 | hex(address.charAt(i));
        i++;
      }
      long v4 = -1;
      if (i < end && address.charAt(i) == '.') { // a dotted IPv4 tail: the last two groups
        v4 = ipv4(address, start, end);
        if (v4 < 0) {
          return notIp(address, seed);
        }
        i = end;
      } else if (i == start || i < end && address.charAt(i) != ':') {
        return notIp(address, seed);
      }
      for (int part = v4 < 0 ? 1 : 2; part > 0; part--) {
        int group = v4 < 0 ? value : (int) (part == 2 ? v4 >>> 16 : v4 & 0xffff);
        if (groups == 8 || gap >= 0 && groups == 7) {
          return notIp(address, seed);
        }
        if (gap >= 0) {
          tailHi = tailHi << 16 | tailLo >>> 48;
          tailLo = tailLo << 16 | group;
        } else if (groups < 4) {
          hi |= (long) group << 16 * (3 - groups);
        } else {
          lo |= (long) group << 16 * (7 - groups);
        }
        groups++;
      }
      if (i < end) { // at a ':'
        i++;
        if (i < end && address.charAt(i) == ':') {
          if (gap >= 0) {
            return notIp(address, seed);
          }
          gap = groups;
          i++;
        } else if (i == end) {
          return notIp(address, seed); // a trailing single ':'
        }
      }
    }
    if (gap < 0 && groups != 8) {
      return notIp(address, seed);
    }
    hi |= tailHi;
    lo |= tailLo;
    if (hi == 0 && lo >>> 32 == 0xffffL) {
      return mix(seed ^ (lo & 0xffffffffL)); // IPv4-mapped: the IPv4 client
    }
    if (ipv6Prefix <= 64) {
      hi &= -1L << 64 - ipv6Prefix;
      lo = 0;
    } else {
      lo &= -1L << 128 - ipv6Prefix;
    }
    return mix(mix(seed ^ V6 ^ hi) ^ lo);
  }

  /**
   * The same client as text, for a map keyed by client: an IPv4 address, an IPv6 network ({@code
   * 2001:db8:0:0:0:0:0:0/64}, or the address for a prefix of 128), or the text itself when it is no IP literal.
   */
  public static String text(String address, int ipv6Prefix) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    byte[] ip = Cidr.IpLiterals.parse(address);
    if (ip == null) {
      return address;
    }
    if (ip.length == 16) {
      for (int i = 0; i < 16; i++) {
        int bits = Math.max(0, Math.min(8, ipv6Prefix - i * 8));
        ip[i] &= (byte) (0xff00 >>> bits);
      }
    }
    try {
      // an IPv4-mapped address parses to IPv4's 4 bytes
      String host = InetAddress.getByAddress(ip).getHostAddress();
      return ip.length == 16 && ipv6Prefix < 128 ? host + "/" + ipv6Prefix : host;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes: never
    }
  }

  private static long notIp(String address, long seed) {
    return mix(seed ^ NOT_IP ^ address.hashCode());
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1; // ASCII only: no other script's digits
  }

  /** The dotted IPv4 address in {@code s[from, to)} as a number, or -1. */
  private static long ipv4(String s, int from, int to) {
    long out = 0;
    int parts = 0;
    int value = -1;
    for (int i = from; i <= to; i++) {
      char c = i < to ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          return -1;
        }
      } else if (c == '.' && value >= 0 && parts < 4) {
        out = out << 8 | value;
        parts++;
        value = -1;
      } else {
        return -1;
      }
    }
    return parts == 4 ? out : -1;
  }

  /** MurmurHash3's finalizer: every input bit moves every output bit. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ h >>> 33;
  }
}
