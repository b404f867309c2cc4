package io.edgeport.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * A strict reader of an HTTP/1.x byte stream (RFC 9112), beside the codec: it follows every request
 * head and body framing byte by byte, changes nothing, and stops at the first byte that makes a
 * request ambiguous or malformed, with the status to answer. What the codec would accept leniently
 * (obs-fold lines, whitespace before a colon, control characters, a Content-Length beside a
 * Transfer-Encoding, a second Host, an HTTP/9.9 request line, a bad chunk extension) is refused here,
 * so a node only ever sees one unambiguous request. Payload bytes are skipped by counting.
 *
 * <p>After a request with an {@code Upgrade} header the scanner waits ({@link #switching}): only its
 * response tells whether what follows is another protocol (a {@code 101}: {@link #switched}) or the
 * next request ({@link #notSwitched}), read as strictly as the first.
 */
final class Http1Scanner implements ByteProcessor {
  // request line
  private static final int START = 0;
  private static final int METHOD = 1;
  private static final int TARGET = 2;
  private static final int VERSION = 3;
  private static final int LINE_LF = 4;
  // header (and trailer) lines
  private static final int LINE_START = 5;
  private static final int NAME = 6;
  private static final int OWS = 7;
  private static final int VALUE = 8;
  private static final int FIELD_LF = 9;
  private static final int END_LF = 10;
  // body
  private static final int LENGTH = 11;
  private static final int CHUNK_SIZE = 12;
  private static final int CHUNK_BWS = 13;
  private static final int CHUNK_EXT = 14;
  private static final int CHUNK_SIZE_LF = 15;
  private static final int CHUNK_DATA = 16;
  private static final int CHUNK_DATA_CR = 17;
  private static final int CHUNK_DATA_LF = 18;
  /** After a request that asked for an upgrade, until its response. */
  private static final int SWITCHING = 19;
  /** After a 101: not HTTP any more. */
  private static final int OPAQUE = 20;
  private static final int REFUSED = 21;

  private static final int MAX_LEADING_EMPTY_LINES = 4;
  private static final int MAX_CHUNK_EXT = 4096;
  /** RFC 9110's token characters (also {@link Http2Fields}'). */
  static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private final int maxHeadBytes;
  private final int maxTargetBytes;

  private int state = START;
  private int status;
  private String reason;
  private int headBytes;
  private int count; // bytes of the current token (method, target, version, chunk size, extension, empty lines)
  private final byte[] version = new byte[8];
  private final byte[] name = new byte[24];
  private int nameLength;
  /** The header being read is one whose value matters here (0: none). */
  private int field;
  private final StringBuilder value = new StringBuilder();
  private boolean http10;
  private int hosts;
  private String contentLength;
  private String transferEncoding;
  private boolean upgrade;
  private boolean trailers;
  private long remaining;
  private int heads;
  private boolean refusedInBody;

  private static final int HOST = 1;
  private static final int CONTENT_LENGTH = 2;
  private static final int TRANSFER_ENCODING = 3;
  private static final int UPGRADE = 4;

  /**
   * @param maxHeadBytes   a request line and headers together above this are refused with 431
   * @param maxTargetBytes a request target above this is refused with 414
   */
  Http1Scanner(int maxHeadBytes, int maxTargetBytes) {
    this.maxHeadBytes = maxHeadBytes;
    this.maxTargetBytes = maxTargetBytes;
  }

  /**
   * Follows {@code buf}'s readable bytes.
   *
   * @return -1 when all of them are fine; else the index of the first byte refused, or of the first one after
   *     an upgrade request, to hold until its response ({@link #switching})
   */
  int scan(ByteBuf buf) {
    if (state == OPAQUE) {
      return -1;
    }
    if (state == REFUSED) {
      return buf.readerIndex();
    }
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i < end) {
      if (state == SWITCHING) {
        return i;
      }
      if (state == LENGTH || state == CHUNK_DATA) {
        long skip = Math.min(remaining, end - i);
        remaining -= skip;
        i += (int) skip;
        if (remaining == 0) {
          if (state == LENGTH) {
            endRequest();
          } else {
            state = CHUNK_DATA_CR;
          }
        }
        continue;
      }
      int stop = buf.forEachByte(i, end - i, this);
      if (stop < 0) {
        return -1;
      }
      if (state == REFUSED) {
        return stop;
      }
      i = stop + 1; // stopped to skip a payload, or after an upgrade request
    }
    return -1;
  }

  /** After a request with an {@code Upgrade} header, until {@link #switched} or {@link #notSwitched}. */
  boolean switching() {
    return state == SWITCHING;
  }

  /** A 101 was sent: the stream is another protocol from here on, passed unread. */
  void switched() {
    if (state != REFUSED) {
      state = OPAQUE;
    }
  }

  /** The upgrade request was answered without a 101: what follows it is the next request. */
  void notSwitched() {
    if (state == SWITCHING) {
      state = START;
    }
  }

  /** Within a request head (for the header timeout). */
  boolean inHead() {
    return state >= METHOD && state <= END_LF && !trailers;
  }

  /** With {@link #inHead}: the bytes of the head under way so far, from its first. */
  int headBytes() {
    return headBytes;
  }

  /** Within the body (or trailers) of a request whose head was accepted (for the body timeout). */
  boolean inBody() {
    return trailers || state >= LENGTH && state <= CHUNK_DATA_LF;
  }

  /** The refusal came in the body (or trailers) of a request whose head was accepted. */
  boolean refusedInBody() {
    return refusedInBody;
  }

  /** Request heads accepted so far. */
  int heads() {
    return heads;
  }

  /** The status of the refusal (400, 414, 431, 505). */
  int status() {
    return status;
  }

  String reason() {
    return reason;
  }

  @Override
  public boolean process(byte b) {
    int c = b & 0xFF;
    if (state <= END_LF && ++headBytes > maxHeadBytes && state != START) {
      return refuse(431, (trailers ? "trailers" : "request head") + " over " + maxHeadBytes + " bytes");
    }
    switch (state) {
      case START:
        if (c == '\r' || c == '\n') {
          headBytes = 0;
          return ++count <= 2 * MAX_LEADING_EMPTY_LINES || refuse(400, "empty lines");
        }
        resetHead();
        state = METHOD;
        return method(c);
      case METHOD:
        return method(c);
      case TARGET:
        if (c == ' ') {
          if (count == 0) {
            return refuse(400, "empty request target");
          }
          state = VERSION;
          count = 0;
          return true;
        }
        if (c <= 0x20 || c == 0x7F) {
          return refuse(400, "a control character or space in the request target");
        }
        return ++count <= maxTargetBytes || refuse(414, "request target over " + maxTargetBytes + " bytes");
      case VERSION:
        if (c == '\r') {
          state = LINE_LF;
          return true;
        }
        if (count == version.length) {
          return refuse(400, "malformed request line");
        }
        version[count++] = (byte) c;
        return true;
      case LINE_LF:
        if (c != '\n') {
          return refuse(400, "a request line not ended by CRLF");
        }
        return checkVersion() && (state = LINE_START) > 0;
      case LINE_START:
        if (c == '\r') {
          state = END_LF;
          return true;
        }
        if (c == ' ' || c == '\t') {
          return refuse(400, "an obs-fold (continuation) header line");
        }
        if (c >= 128 || !TCHAR[c]) {
          return refuse(400, "an invalid character in a header name");
        }
        nameLength = 0;
        state = NAME;
        return name(c);
      case NAME:
        if (c == ':') {
          field = trailers ? 0 : knownField();
          value.setLength(0);
          state = OWS;
          return true;
        }
        if (c >= 128 || !TCHAR[c]) {
          return refuse(400, c == ' ' || c == '\t' ? "whitespace before a header's colon"
              : "an invalid character in a header name");
        }
        return name(c);
      case OWS:
        if (c == ' ' || c == '\t') {
          return true;
        }
        state = VALUE;
        return value(c);
      case VALUE:
        return value(c);
      case FIELD_LF:
        if (c != '\n') {
          return refuse(400, "a header line not ended by CRLF");
        }
        state = LINE_START;
        return endField();
      case END_LF:
        if (c != '\n') {
          return refuse(400, "a header section not ended by CRLF");
        }
        return trailers ? endMessage() : endHead();
      case CHUNK_SIZE:
        if (hex(c) >= 0) {
          if (++count > 15) {
            return refuse(400, "a chunk size too large");
          }
          remaining = remaining * 16 + hex(c);
          return true;
        }
        if (count == 0) {
          return refuse(400, "an invalid chunk size");
        }
        if (c == ' ' || c == '\t') {
          state = CHUNK_BWS;
          return true;
        }
        return chunkSizeEnd(c);
      case CHUNK_BWS:
        if (c == ' ' || c == '\t') {
          return true;
        }
        return chunkSizeEnd(c);
      case CHUNK_EXT:
        if (c == '\r') {
          state = CHUNK_SIZE_LF;
          return true;
        }
        if (c < 0x20 && c != '\t' || c == 0x7F) {
          return refuse(400, "a control character in a chunk extension");
        }
        return ++count <= MAX_CHUNK_EXT || refuse(400, "a chunk extension over " + MAX_CHUNK_EXT + " bytes");
      case CHUNK_SIZE_LF:
        if (c != '\n') {
          return refuse(400, "a chunk size line not ended by CRLF");
        }
        if (remaining == 0) {
          trailers = true; // the last chunk: trailer lines, then an empty line
          headBytes = 0;
          state = LINE_START;
          return true;
        }
        state = CHUNK_DATA;
        return false; // skip the payload by counting
      case CHUNK_DATA_CR:
        if (c != '\r') {
          return refuse(400, "chunk data longer than its size");
        }
        state = CHUNK_DATA_LF;
        return true;
      case CHUNK_DATA_LF:
        if (c != '\n') {
          return refuse(400, "chunk data not ended by CRLF");
        }
        state = CHUNK_SIZE;
        count = 0;
        remaining = 0;
        return true;
      default:
        return false;
    }
  }

  private boolean method(int c) {
    if (c == ' ') {
      if (count == 0) {
        return refuse(400, "malformed request line");
      }
      state = TARGET;
      count = 0;
      return true;
    }
    if (c >= 128 || !TCHAR[c]) {
      return refuse(400, "malformed request line");
    }
    count++;
    return count <= 32 || refuse(400, "a method over 32 characters");
  }

  private boolean name(int c) {
    if (nameLength < name.length) {
      name[nameLength] = (byte) (c | 0x20); // lower case (tchars only: digits and symbols keep their meaning here)
    }
    nameLength++;
    return true;
  }

  private boolean value(int c) {
    if (c == '\r') {
      state = FIELD_LF;
      return true;
    }
    if (c < 0x20 && c != '\t' || c == 0x7F) {
      return refuse(400, "a control character in a header value");
    }
    if (field == CONTENT_LENGTH || field == TRANSFER_ENCODING) {
      if (value.length() >= 256) {
        return refuse(400, "a framing header value over 256 characters");
      }
      value.append((char) c);
    }
    return true;
  }

  private int knownField() {
    if (nameLength > name.length) {
      return 0;
    }
    if (is("host")) {
      return HOST;
    }
    if (is("content-length")) {
      return CONTENT_LENGTH;
    }
    if (is("transfer-encoding")) {
      return TRANSFER_ENCODING;
    }
    return is("upgrade") ? UPGRADE : 0;
  }

  private boolean is(String lowerCase) {
    if (nameLength != lowerCase.length()) {
      return false;
    }
    for (int k = 0; k < nameLength; k++) {
      if (name[k] != lowerCase.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private boolean endField() {
    switch (field) {
      case HOST -> hosts++;
      case UPGRADE -> upgrade = true;
      case CONTENT_LENGTH -> {
        String v = value.toString().trim();
        if (contentLength != null && !contentLength.equals(v)) {
          contentLength = "," + contentLength + "," + v; // compared value by value below
        } else {
          contentLength = v;
        }
      }
      case TRANSFER_ENCODING -> transferEncoding = transferEncoding == null ? value.toString()
          : transferEncoding + "," + value;
      default -> { }
    }
    return true;
  }

  private boolean checkVersion() {
    if (count == 8 && version[0] == 'H' && version[1] == 'T' && version[2] == 'T' && version[3] == 'P'
        && version[4] == '/' && isDigit(version[5]) && version[6] == '.' && isDigit(version[7])) {
      if (version[5] == '1' && (version[7] == '1' || version[7] == '0')) {
        http10 = version[7] == '0';
        return true;
      }
      return refuse(505, "HTTP version " + (char) version[5] + "." + (char) version[7]);
    }
    return refuse(400, "malformed request line");
  }

  private boolean endHead() {
    if (!http10 && hosts == 0) {
      return refuse(400, "no Host header");
    }
    if (hosts > 1) {
      return refuse(400, "more than one Host header");
    }
    if (transferEncoding != null) {
      if (http10) {
        return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (contentLength != null) {
        return refuse(400, "both Content-Length and Transfer-Encoding");
      }
      if (!chunkedLastAndOnce(transferEncoding)) {
        return refuse(400, "a Transfer-Encoding whose last coding is not chunked (once)");
      }
      heads++;
      state = CHUNK_SIZE;
      count = 0;
      remaining = 0;
      return true;
    }
    if (contentLength != null) {
      long length = contentLength(contentLength);
      if (length < 0) {
        return refuse(400, "an invalid or ambiguous Content-Length");
      }
      heads++;
      if (length > 0) {
        remaining = length;
        state = LENGTH;
        return false; // skip the payload by counting
      }
    }
    if (contentLength == null) {
      heads++;
    }
    return endRequest();
  }

  private boolean endMessage() {
    trailers = false;
    return endRequest();
  }

  /**
   * The request's last byte, whatever its framing: the empty lines a client may send before the next request
   * (RFC 9112 §2.2, a CRLF after a body, say) are counted from here. False (stop here) after an upgrade
   * request, whose response says what follows.
   */
  private boolean endRequest() {
    count = 0;
    state = upgrade ? SWITCHING : START;
    return !upgrade;
  }

  private boolean chunkSizeEnd(int c) {
    if (c == ';') {
      state = CHUNK_EXT;
      count = 0;
      return true;
    }
    if (c == '\r') {
      state = CHUNK_SIZE_LF;
      return true;
    }
    return refuse(400, "an invalid chunk size");
  }

  private void resetHead() {
    headBytes = 1;
    count = 0;
    hosts = 0;
    contentLength = null;
    transferEncoding = null;
    upgrade = false;
    http10 = false;
  }

  /** Is {@code chunked} the last of the comma-separated codings, and there only once? */
  static boolean chunkedLastAndOnce(String codings) {
    String last = null;
    int chunked = 0;
    for (String coding : codings.split(",", -1)) {
      String c = coding.trim();
      if (c.isEmpty()) {
        return false;
      }
      if (c.equalsIgnoreCase("chunked")) {
        chunked++;
      }
      last = c;
    }
    return chunked == 1 && "chunked".equalsIgnoreCase(last);
  }

  /** Digits, possibly repeated as a list ("5, 5") or in several fields, all the same; -1 otherwise. */
  private static long contentLength(String values) {
    long length = -1;
    for (String v : values.split(",")) {
      String t = v.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (t.length() > 18 || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        return -1;
      }
      long n = Long.parseLong(t);
      if (length >= 0 && n != length) {
        return -1;
      }
      length = n;
    }
    return length;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int hex(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Refuses from outside: a timeout. */
  void refuseNow(int statusCode, String why) {
    refuse(statusCode, why);
  }

  private boolean refuse(int statusCode, String why) {
    refusedInBody = inBody();
    status = statusCode;
    reason = why;
    state = REFUSED;
    return false;
  }
}
