package io.flotilla.domain.auth;

/** What a route needs (decision D-h). */
public enum Permission {
  /** Devices, their properties, commands and telemetry; device groups; jobs and scheduled jobs. */
  OPERATE_DEVICES,
  /** Reading device templates and roles. */
  READ_MODELS,
  /** Creating, changing and deleting device templates and enrollment groups (and reading enrollment groups, which hold keys). */
  BUILD_MODELS,
  /** API tokens, users and organizations. */
  ADMINISTER
}
