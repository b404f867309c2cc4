package io.edgeport.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.edgeport.config.Durations;
import io.edgeport.net.Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Golden input/output tests for the translators: each {@code NAME.in.yaml} under {@code src/test/resources/golden/DIR}
 * is translated, the model it gives is written as YAML and compared with {@code NAME.out.yaml}; a difference fails
 * the case with a unified diff. The YAML names every record component (fields, not getters) but nulls and empty
 * lists, with map keys and sets sorted, so it is the same on every run.
 *
 * <p>{@code -Dgolden.update=true} writes the outputs instead of comparing them (for a new case or a deliberate change
 * of the model): read every file it changes before committing it.
 */
public final class Golden {
  private static final Path ROOT = Path.of("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");
  private static final ObjectMapper YAML = mapper();

  /** What a case's input becomes; any record tree of the model (or a record of several parts). */
  @FunctionalInterface
  public interface Translation {
    Object translate(Path input) throws Exception;
  }

  private Golden() {}

  /** One dynamic test per case of {@code dir}, by name; fails when the directory holds none. */
  public static Stream<DynamicTest> cases(String dir, Translation translation) {
    Path base = ROOT.resolve(dir);
    List<Path> inputs;
    try (Stream<Path> files = Files.list(base)) {
      inputs = files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("golden cases in " + base, e);
    }
    assertFalse(inputs.isEmpty(), "no golden cases (*.in.yaml) in " + base);
    return inputs.stream().map(in -> {
      String name = in.getFileName().toString().replaceFirst("\\.in\\.yaml$", "");
      return DynamicTest.dynamicTest(name, in.toUri(), () -> check(in, base.resolve(name + ".out.yaml"), translation));
    });
  }

  /** The model as the golden files hold it. */
  public static String yaml(Object model) {
    try {
      return YAML.writeValueAsString(model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The YAML documents of a file (separated by {@code ---} lines), blank ones left out. */
  public static List<String> documents(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return Arrays.stream(text.split("(?m)^---\\s*$")).filter(d -> !d.isBlank()).toList();
  }

  private static void check(Path input, Path expectedFile, Translation translation) throws Exception {
    String actual = yaml(translation.translate(input));
    if (UPDATE) {
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(expectedFile)) {
      fail(expectedFile + " is missing (-Dgolden.update=true writes it); the translation gives:\n" + actual);
    }
    String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
    if (!expected.equals(actual)) {
      List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(expectedFile.toString(), "translated " + input,
          expected.lines().toList(), DiffUtils.diff(expected.lines().toList(), actual.lines().toList()), 3);
      fail("the translation differs from " + expectedFile + ":\n" + String.join("\n", diff));
    }
  }

  private static ObjectMapper mapper() {
    SimpleModule model = new SimpleModule("golden");
    model.addSerializer(Duration.class, new JsonSerializer<>() {
      @Override
      public void serialize(Duration d, JsonGenerator out, SerializerProvider p) throws IOException {
        out.writeString(Durations.format(d));
      }
    });
    model.addSerializer(Cidr.class, ToStringSerializer.instance);
    model.addSerializer(Instant.class, ToStringSerializer.instance);
    model.addSerializer(Set.class, new SortedSetSerializer());
    ObjectMapper m = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    m.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
    m.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    m.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    m.setSerializationInclusion(JsonInclude.Include.NON_EMPTY); // nulls and empty lists say nothing: left out
    m.registerModule(model);
    return m;
  }

  /** Sets in the order of their elements' text: {@code Set.copyOf} iterates in a different order on every run. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class SortedSetSerializer extends JsonSerializer<Set> {
    @Override
    public boolean isEmpty(SerializerProvider p, Set set) {
      return set.isEmpty();
    }

    @Override
    public void serialize(Set set, JsonGenerator out, SerializerProvider p) throws IOException {
      List<Object> sorted = new ArrayList<>(set);
      sorted.sort(Comparator.comparing(String::valueOf));
      p.defaultSerializeValue(sorted, out);
    }
  }
}
