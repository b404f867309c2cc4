package io.edgeport.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 9113 §8.2.1's field rules, as checked for HTTP/2 requests. */
@Timeout(10)
class Http2FieldsTest {

  @Test
  void namesAreLowerCaseTokens() {
    assertTrue(Http2Fields.name("x-request-id"));
    assertTrue(Http2Fields.name("x_a.b~c!#$%&'*+^`|"));
    for (String bad : new String[] {"", "X-Upper", "x y", "x:y", ":path", "x\u0000", "x\t", "caf\u00e9", "x(y)",
        "x/y", "x\u007f"}) {
      assertFalse(Http2Fields.name(bad), bad);
    }
  }

  @Test
  void valuesHaveNoControlCharactersButInnerTabsAndNoWhitespaceAtTheirEnds() {
    for (String good : new String[] {"", "text/html; q=0.9", "a\tb", "caf\u00e9", "a  b"}) {
      assertTrue(Http2Fields.value(good), good);
    }
    for (String bad : new String[] {"a\u0000b", "a\rb", "a\nb", "a\r\n b", " a", "a ", "\ta", "a\t", "a\u0001",
        "\u007f"}) {
      assertFalse(Http2Fields.value(bad), bad.replace("\r", "\\r").replace("\n", "\\n"));
    }
  }

  @Test
  void thePathIsOriginFormWithoutSpacesOrControlCharacters() {
    assertTrue(Http2Fields.target("/"));
    assertTrue(Http2Fields.target("/a/b?q=%20&x=caf\u00e9"));
    for (String bad : new String[] {"", "*", "a", "http://api.example.com/", "/a b", "/a\tb", "/a\u0001b",
        "/a\u007f", "/a\r\nX: y"}) {
      assertFalse(Http2Fields.target(bad), bad);
    }
  }
}
