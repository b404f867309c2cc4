package io.edgeport.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node remembers its line and column. Jackson's own tree
 * model drops locations, and strict validation must report all problems with their place, so the
 * tree is built here from the streaming parser's tokens.
 */
final class YamlTree {

  /** Any node; {@code line}/{@code column} are 1-based. */
  sealed interface Node permits MapNode, ListNode, Scalar {
    int line();

    int column();

    String kind();
  }

  /** A key with the location of the key itself (for "unknown key" errors). */
  record Entry(String key, int line, int column, Node value) {}

  record MapNode(Map<String, Entry> entries, int line, int column) implements Node {
    public String kind() {
      return "a mapping";
    }
  }

  record ListNode(List<Node> items, int line, int column) implements Node {
    public String kind() {
      return "a list";
    }
  }

  /** A scalar; {@code token} tells its YAML type (string, int, float, boolean, null). */
  record Scalar(String text, JsonToken token, int line, int column) implements Node {
    public String kind() {
      return switch (token) {
        case VALUE_NUMBER_INT -> "a whole number";
        case VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "empty";
        default -> "a string";
      };
    }

    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }
  }

  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlTree() {}

  /**
   * Parses one document. Duplicate keys are reported into {@code problems} (the later one wins).
   *
   * @return the root node, or null for an empty document
   * @throws JsonProcessingException on a YAML syntax error (it carries the location)
   */
  static Node parse(Reader in, List<Problem> problems) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return null;
      }
      return read(p, t, problems);
    }
  }

  private static Node read(JsonParser p, JsonToken t, List<Problem> problems) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int col = at.getColumnNr();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          JsonLocation kl = p.currentTokenLocation();
          String key = p.currentName();
          Node value = read(p, p.nextToken(), problems);
          Entry previous = entries.put(key, new Entry(key, kl.getLineNr(), kl.getColumnNr(), value));
          if (previous != null) {
            problems.add(new Problem(Problem.Severity.ERROR, kl.getLineNr(), kl.getColumnNr(),
                "duplicate key '" + key + "' (first at line " + previous.line() + ")"));
          }
        }
        return new MapNode(entries, line, col);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
          items.add(read(p, i, problems));
        }
        return new ListNode(items, line, col);
      }
      default -> {
        return new Scalar(t == JsonToken.VALUE_NULL ? null : p.getText(), t, line, col);
      }
    }
  }
}
