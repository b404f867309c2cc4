package io.edgeport.config;

/** One finding about a config file, located so that an editor can jump to it. */
public record Problem(Severity severity, int line, int column, String message) {

  public enum Severity { ERROR, WARNING }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** {@code FILE:LINE:COL: message}, with "warning: " before warnings. */
  public String format(String file) {
    String where = line > 0 ? file + ":" + line + ":" + column : file;
    return where + ": " + (isError() ? "" : "warning: ") + message;
  }
}
