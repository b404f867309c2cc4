package io.edgeport.routing;

/**
 * The path that routing decisions use. The request is forwarded with its path untouched, but it is
 * matched in a normalized form ({@code %61pi}, {@code //api} and {@code /x/../api} are all
 * {@code /api}), so that encoding tricks cannot reach a different backend than the path means.
 */
final class PathNormalizer {
  private PathNormalizer() {}

  static String forMatching(String rawPath) {
    if (rawPath.indexOf('%') < 0 && rawPath.indexOf("//") < 0 && rawPath.indexOf("/.") < 0) {
      return rawPath; // the common case: nothing to do, nothing allocated
    }
    return removeDotSegments(decode(rawPath));
  }

  private static String decode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.append((char) (hi * 16 + lo));
          i += 2;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Merges repeated slashes and resolves "." and ".." segments (never above the root). */
  private static String removeDotSegments(String path) {
    String[] segments = path.split("/", -1);
    String[] stack = new String[segments.length];
    int depth = 0;
    for (int i = 1; i < segments.length; i++) {
      String seg = segments[i];
      boolean last = i == segments.length - 1;
      if (seg.equals("..")) {
        if (depth > 0) {
          depth--;
        }
        if (last) {
          stack[depth++] = "";
        }
      } else if (seg.equals(".") || seg.isEmpty() && !last) {
        if (last) {
          stack[depth++] = "";
        }
      } else {
        stack[depth++] = seg;
      }
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < depth; i++) {
      out.append('/').append(stack[i]);
    }
    return out.length() == 0 ? "/" : out.toString();
  }
}
