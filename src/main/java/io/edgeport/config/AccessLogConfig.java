package io.edgeport.config;

/**
 * One line per request, written off the event loops.
 *
 * @param file where to append, or null for standard output
 */
public record AccessLogConfig(Format format, String file) {

  public enum Format { COMBINED, JSON }

  public static final AccessLogConfig STDOUT_COMBINED = new AccessLogConfig(Format.COMBINED, null);
}
