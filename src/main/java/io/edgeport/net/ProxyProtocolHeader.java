package io.edgeport.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** The PROXY protocol header (HAProxy's spec) that tells a node which client a connection is for. */
public final class ProxyProtocolHeader {
  private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private ProxyProtocolHeader() {}

  /**
   * A v1 (text) or v2 (binary) PROXY header for a TCP connection from {@code sourceIp:sourcePort} to
   * {@code destinationIp:destinationPort} (IP literals).
   */
  public static ByteBuf of(int version, String sourceIp, int sourcePort, String destinationIp, int destinationPort) {
    byte[] src = ip(sourceIp);
    byte[] dst = ip(destinationIp);
    boolean v6 = src.length == 16 || dst.length == 16;
    if (v6) {
      src = v6(src);
      dst = v6(dst);
    }
    if (version == 1) {
      String line = "PROXY " + (v6 ? "TCP6 " : "TCP4 ") + text(src) + " " + text(dst) + " " + sourcePort + " "
          + destinationPort + "\r\n";
      return Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII);
    }
    ByteBuf out = Unpooled.buffer(16 + 2 * src.length + 4);
    out.writeBytes(V2_SIGNATURE).writeByte(0x21).writeByte(v6 ? 0x21 : 0x11).writeShort(2 * src.length + 4);
    out.writeBytes(src).writeBytes(dst).writeShort(sourcePort).writeShort(destinationPort);
    return out;
  }

  private static byte[] ip(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress(); // an IP literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static byte[] v6(byte[] ip) {
    if (ip.length == 16) {
      return ip;
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(ip, 0, mapped, 12, 4);
    return mapped;
  }

  private static String text(byte[] ip) {
    try {
      String s = InetAddress.getByAddress(ip).getHostAddress();
      return ip.length == 16 && s.startsWith("/") ? s.substring(1) : s;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
