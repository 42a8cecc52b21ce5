package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The wire form of job events, shared by the event stream and data export (docs/jobs.md "Events"): a status change
 * {@code {status, reason?, at}}; a device outcome {@code {id, status, error?: {code, message}, responseCode?, attempt,
 * final, at}}; progress {@code {total, pending, completed, failed}}.
 */
public final class JobEventJson {
  private JobEventJson() {
  }

  public static ObjectNode of(JobEvent e) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    if (e instanceof JobEvent.StatusChanged s) {
      o.put("status", s.status().wire());
      if (s.reason() != null) {
        o.put("reason", s.reason());
      }
    } else {
      JobEvent.DeviceOutcome d = (JobEvent.DeviceOutcome) e;
      o.put("id", d.deviceId());
      o.put("status", d.status().wire());
      if (d.errorCode() != null) {
        o.putObject("error").put("code", d.errorCode()).put("message", d.errorMessage());
      }
      if (d.responseCode() != null) {
        o.put("responseCode", d.responseCode());
      }
      o.put("attempt", d.attempt());
      o.put("final", d.last());
    }
    if (e.at() != null) {
      o.put("at", e.at().toString());
    }
    return o;
  }

  public static ObjectNode progress(JobProgress p) {
    return JsonNodeFactory.instance.objectNode().put("total", p.total()).put("pending", p.pending())
        .put("completed", p.completed()).put("failed", p.failed());
  }
}
