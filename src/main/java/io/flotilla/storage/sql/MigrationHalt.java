package io.flotilla.storage.sql;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * <b>Test only.</b> Stops the JVM at once ({@link Runtime#halt}, as a power loss or {@code kill -9} would: no shutdown
 * hooks, no clean close of the database) at a chosen point inside a schema migration, so that a test can prove that
 * every migration is safe to interrupt at every such point (docs/reliability.md, Migrations), whatever the machine's
 * load. Set by the system property {@value #PROPERTY} = {@code VERSION:STATEMENT}: {@code 8:2} halts right after the
 * second statement of migration V8; {@code 8:end} after its last statement, before Flyway records it as applied.
 * Unset (always, outside tests), no callback is registered and this class does nothing.
 */
final class MigrationHalt implements Callback {
  static final String PROPERTY = "flotilla.test.haltMigration";
  /** The exit status of the halted JVM (that of a process killed by SIGKILL). */
  static final int STATUS = 137;

  private final String version;
  private final int statement; // 0: after the last one
  private int executed;

  private MigrationHalt(String version, int statement) {
    this.version = version;
    this.statement = statement;
  }

  /** The hook the system property asks for, or null when it is unset. */
  static MigrationHalt fromSystemProperty() {
    String point = System.getProperty(PROPERTY);
    if (point == null || point.isBlank()) {
      return null;
    }
    int colon = point.indexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException(PROPERTY + " must be VERSION:STATEMENT or VERSION:end, not " + point);
    }
    String at = point.substring(colon + 1);
    return new MigrationHalt(point.substring(0, colon), at.equals("end") ? 0 : Integer.parseInt(at));
  }

  @Override
  public boolean supports(Event event, Context context) {
    return (event == Event.AFTER_EACH_MIGRATE_STATEMENT || event == Event.AFTER_EACH_MIGRATE)
        && context.getMigrationInfo() != null && context.getMigrationInfo().getVersion() != null
        && context.getMigrationInfo().getVersion().getVersion().equals(version);
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    if (event == Event.AFTER_EACH_MIGRATE_STATEMENT) {
      executed++;
      if (executed == statement) {
        halt("after statement " + executed);
      }
    } else if (statement == 0) {
      halt("after its last statement (" + executed + "), before it is recorded");
    }
  }

  @Override
  public String getCallbackName() {
    return "test-only migration halt";
  }

  private void halt(String where) {
    System.err.println("HALT (test only, " + PROPERTY + "): migration V" + version + " " + where);
    System.err.flush();
    Runtime.getRuntime().halt(STATUS);
  }
}
