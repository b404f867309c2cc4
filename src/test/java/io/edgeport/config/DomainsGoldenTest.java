package io.edgeport.config;

import io.edgeport.model.Domain;
import io.edgeport.support.Golden;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** A config file's {@code domains:} → the model's domains and the warnings, on the golden cases in {@code golden/domains}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DomainsGoldenTest {
  record Translated(List<Domain> domains, List<String> warnings) {}

  @TestFactory
  Stream<DynamicTest> cases() {
    return Golden.cases("domains", in -> {
      String name = in.getFileName().toString();
      ConfigLoader.Loaded loaded = ConfigLoader.parse(name, Files.readString(in));
      return new Translated(loaded.config().domains(), loaded.warnings().stream().map(w -> w.format(name)).toList());
    });
  }
}
