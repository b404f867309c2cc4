package io.edgeport.control;

import java.time.Instant;

/** The outcome of each config applied or refused, kept for status. Used on the control context. */
public final class ReloadLog {
  private Status.Reload last;
  private long applied;
  private long refused;

  /**
   * @param failure why it was refused, or null: applied
   * @param counted false for the start's config and an unchanged one: not reloads
   */
  public void record(String source, Throwable failure, boolean counted) {
    last = new Status.Reload(failure == null, Instant.now(), source, failure == null ? null : describe(failure));
    if (counted && failure == null) {
      applied++;
    } else if (counted) {
      refused++;
    }
  }

  /** The last config applied or refused, or null. */
  public Status.Reload last() {
    return last;
  }

  public Status.Reloads counts() {
    return new Status.Reloads(applied, refused);
  }

  /** A failure as status and the log say it: its message, or what it is. */
  public static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
