package io.flotilla.domain.job;

import java.util.Optional;

/** The type of a job (what it does to each device; its handler is a {@link JobKind}); two accepted spellings of {@code data[].type} each (D-b). */
public enum JobType {
  COMMAND("command", "CommandJobData"),
  PROPERTY("property", "PropertyJobData"),
  CLOUD_PROPERTY("cloudProperty", "CloudPropertyJobData"),
  TEMPLATE_MIGRATION("deviceTemplateMigration", "DeviceTemplateMigrationJobData");

  private final String spec;
  private final String docs;

  JobType(String spec, String docs) {
    this.spec = spec;
    this.docs = docs;
  }

  public static Optional<JobType> bySpelling(String type) {
    for (JobType k : values()) {
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
