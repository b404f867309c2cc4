package io.edgeport.health;

import java.time.Instant;

/**
 * What status shows of one node under one check.
 *
 * @param reason      why it has its status (the last transition's reason), or null while UNKNOWN
 * @param since       when it got that status
 * @param lastResult  the last probe's result ("ok" or why it failed), or null before the first
 * @param lastChecked when the last probe finished, or null
 */
public record NodeReport(CheckKey check, NodeHealth.Status status, String reason, Instant since, String lastResult,
    Instant lastChecked) {

  static NodeReport unknown(CheckKey check) {
    return new NodeReport(check, NodeHealth.Status.UNKNOWN, null, Instant.now(), null, null);
  }

  NodeReport probed(Probe.Result result) {
    return new NodeReport(check, status, reason, since, result.detail(), Instant.now());
  }

  NodeReport changed(NodeHealth.Transition t) {
    return new NodeReport(check, t.to(), t.reason(), Instant.now(), lastResult, lastChecked);
  }
}
