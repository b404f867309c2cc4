package io.edgeport.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config file that cannot be used; carries every problem found, not just the first. */
public final class ConfigException extends Exception {
  private final String file;
  private final List<Problem> problems;

  public ConfigException(String file, List<Problem> problems) {
    super(problems.stream().map(p -> p.format(file)).collect(Collectors.joining("\n")));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  public String file() {
    return file;
  }

  public List<Problem> problems() {
    return problems;
  }
}
