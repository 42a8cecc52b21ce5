package io.flotilla.api.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The OpenAPI description of Flotilla's job extensions (docs/jobs.md): a schema of the optional fields that job
 * bodies (create, rerun, scheduled jobs) accept and echo, the {@code dryRun} parameter and one device's entry.
 */
final class JobExtensionsSchema {
  static final Set<String> WITH_EXTENSIONS = Set.of("Jobs_Create", "Jobs_Rerun", "ScheduledJobs_Create",
      "ScheduledJobs_Update");

  private JobExtensionsSchema() {
  }

  static void addTo(ObjectNode paths, ObjectNode schemas) {
    ObjectNode ext = schemas.putObject("JobExtensions").put("type", "object")
        .put("description", "Flotilla's optional job extensions, beside IoT Central's Job fields; IoT Central clients "
            + "that never send them see no change.");
    ObjectNode props = ext.putObject("properties");
    ObjectNode delivery = object(props, "delivery", "How devices are reached");
    ObjectNode dp = delivery.putObject("properties");
    duration(dp, "waitForConnection", "Command jobs (and confirmed property jobs): an offline device waits for its "
        + "connection up to this long (ISO-8601, at most P30D), then fails DeviceNotOnline");
    ObjectNode retry = object(dp, "retry", "Command jobs: failures listed in 'on' are tried again");
    ObjectNode rp = retry.putObject("properties");
    rp.putObject("maxAttempts").put("type", "integer").put("minimum", 1).put("maximum", 100)
        .put("description", "Attempts in all (required)");
    duration(rp, "backoff", "Wait before attempt 2 (default PT10S); attempt n+1 waits backoff x factor^(n-1)");
    rp.putObject("factor").put("type", "number").put("minimum", 1).put("maximum", 10).put("default", 1);
    duration(rp, "maxBackoff", "Cap of the wait");
    ArrayNode codes = rp.putObject("on").put("type", "array").putObject("items").put("type", "string")
        .putArray("enum");
    for (String c : new String[] {"DeviceNotOnline", "GatewayTimeout", "CommandFailed", "Interrupted"}) {
      codes.add(c);
    }
    dp.putObject("confirm").put("type", "boolean").put("description", "Property jobs: a device completes only when "
        + "it acknowledges the job's desired $version (ac >= 400 fails PropertyRejected)");
    ObjectNode rollout = object(props, "rollout", "How fast devices are started, and when the job stops itself");
    ObjectNode ro = rollout.putObject("properties");
    ro.putObject("maxPerMinute").put("type", "integer").put("minimum", 1);
    ObjectNode ramp = object(ro, "ramp", "Start at startPerMinute, x factor each time another afterSucceeded "
        + "devices completed, up to maxPerMinute");
    ObjectNode rap = ramp.putObject("properties");
    rap.putObject("startPerMinute").put("type", "integer").put("minimum", 1);
    rap.putObject("factor").put("type", "number").put("default", 2);
    rap.putObject("afterSucceeded").put("type", "integer").put("minimum", 1);
    ObjectNode gate = object(ro, "successGate", "After each batch: fewer than minSuccessPercent of its finished "
        + "devices completed -> pause (stopped, statusReason SuccessGate) or cancel");
    ObjectNode gp = gate.putObject("properties");
    gp.putObject("minSuccessPercent").put("type", "number").put("minimum", 0).put("maximum", 100);
    gp.putObject("action").put("type", "string").putArray("enum").add("pause").add("cancel");
    props.putObject("continuous").put("type", "boolean").put("description", "Also reach devices that join the "
        + "group while the job runs; it ends when stopped or at 'end'");
    props.putObject("end").put("type", "string").put("format", "date-time")
        .put("description", "When a continuous job ends");
    props.putObject("statusReason").put("type", "string").put("readOnly", true)
        .put("description", "Why a policy stopped or ended the job: CancellationThreshold, SuccessGate, End");

    for (var path : (Iterable<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>)
        paths::fields) {
      path.getValue().fields().forEachRemaining(op -> {
        ObjectNode o = (ObjectNode) op.getValue();
        String id = o.path("operationId").asText();
        if (WITH_EXTENSIONS.contains(id)) {
          o.putObject("requestBody").putObject("content").putObject("application/json").putObject("schema")
              .put("$ref", "#/components/schemas/JobExtensions");
        }
        if ("Jobs_Create".equals(id)) {
          ((ArrayNode) o.get("parameters")).addObject().put("name", "dryRun").put("in", "query")
              .put("description", "true: validate and answer what the job would do (dryRun: total, "
                  + "templateMismatch, connected, batchSize, batchCount); nothing is stored")
              .putObject("schema").put("type", "boolean");
        }
      });
    }
  }

  private static ObjectNode object(ObjectNode props, String name, String description) {
    return props.putObject(name).put("type", "object").put("description", description);
  }

  private static void duration(ObjectNode props, String name, String description) {
    props.putObject(name).put("type", "string").put("format", "duration").put("description", description);
  }
}
