package io.flotilla.domain.auth;

/** What a route needs (decision D-h). */
public enum Permission {
  /** Devices, their properties, commands and telemetry; device groups; jobs and scheduled jobs. */
  OPERATE_DEVICES,
  /**
   * Reading what {@link #OPERATE_DEVICES} changes (every GET of it but a device's attestation and credentials, which
   * hold keys): all that the Org Viewer role holds besides {@link #READ_MODELS}.
   */
  VIEW_DEVICES,
  /** Reading device templates and roles. */
  READ_MODELS,
  /** Creating, changing and deleting device templates and enrollment groups (and reading enrollment groups, which hold keys). */
  BUILD_MODELS,
  /** API tokens, users and organizations. */
  ADMINISTER;

  /**
   * Whether a role assignment within an organization can grant it: the device areas and reading models. The rest
   * (templates, enrollment groups, tokens, users, organizations, data export, audit) is application-wide and needs an
   * assignment without an organization (in IoT Central an organization's users have no API tokens or enrollment
   * groups either).
   */
  public boolean organizationScoped() {
    return this == OPERATE_DEVICES || this == VIEW_DEVICES || this == READ_MODELS;
  }
}
