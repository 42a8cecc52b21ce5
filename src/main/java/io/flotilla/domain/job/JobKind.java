package io.flotilla.domain.job;

import java.util.Optional;

/** What a job does to each device; each kind has two accepted spellings of {@code data[].type} (D-b). */
public enum JobKind {
  COMMAND("command", "CommandJobData"),
  PROPERTY("property", "PropertyJobData"),
  CLOUD_PROPERTY("cloudProperty", "CloudPropertyJobData"),
  TEMPLATE_MIGRATION("deviceTemplateMigration", "DeviceTemplateMigrationJobData");

  private final String spec;
  private final String docs;

  JobKind(String spec, String docs) {
    this.spec = spec;
    this.docs = docs;
  }

  public static Optional<JobKind> bySpelling(String type) {
    for (JobKind k : values()) {
      if (k.spec.equals(type) || k.docs.equals(type)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  public String specSpelling() {
    return spec;
  }
}
