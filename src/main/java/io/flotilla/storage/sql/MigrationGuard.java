package io.flotilla.storage.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes schema migrations of the embedded H2 database safe to interrupt. H2 commits every DDL statement at once, so a
 * process killed in the middle of a migration leaves it half done, unrecorded by Flyway, and the next start would fail
 * on it (say, "table already exists"). Before migrating a database file that has migrations pending, the file is
 * copied ({@code flotilla.mv.db.pre-migration}) and a marker written ({@code flotilla.mv.db.migrating}); both go once
 * the migrations succeeded. A start that finds the marker restores the copy and migrates again. A file the migrations
 * create (a first start) gets a marker of its own and no copy: a start that finds it deletes the half-created file
 * (nothing but the migrations wrote to it). PostgreSQL needs none
 * of this: each migration is one transaction, DDL included (docs/reliability.md, Migrations).
 */
final class MigrationGuard {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationGuard.class);
  private static final String H2_FILE_PREFIX = "jdbc:h2:file:";
  /** How the marker of a file created by the migrations begins (no copy: the restore deletes the file). */
  private static final String NEW_FILE = "new database";

  private final Path file;
  private final Path copy;
  private final Path marker;

  private MigrationGuard(Path file) {
    this.file = file;
    this.copy = file.resolveSibling(file.getFileName() + ".pre-migration");
    this.marker = file.resolveSibling(file.getFileName() + ".migrating");
  }

  /** The guard of an H2 file database, or null for any other URL (nothing to guard). */
  static MigrationGuard of(String url) {
    if (!url.startsWith(H2_FILE_PREFIX)) {
      return null;
    }
    String path = url.substring(H2_FILE_PREFIX.length());
    int options = path.indexOf(';');
    return new MigrationGuard(Path.of((options < 0 ? path : path.substring(0, options)) + ".mv.db"));
  }

  /**
   * Called before the database is opened: restores the copy an interrupted migration left, then, when {@code flyway}
   * has migrations to apply to an existing file, takes a copy and writes the marker.
   */
  void before(Flyway flyway) {
    try {
      if (Files.exists(marker) && Files.readString(marker).startsWith(NEW_FILE)) {
        // nothing but migrations ever wrote to it: the server serves only once they are done
        LOG.warn("The first start was interrupted while creating {}: deleting the half-created file and creating it "
            + "again", file);
        Files.deleteIfExists(file);
        Files.delete(marker);
      } else if (Files.exists(marker)) {
        if (!Files.exists(copy)) {
          throw new IllegalStateException("A schema migration of " + file + " was interrupted and its copy "
              + copy + " is missing: restore the database from a backup (docs/reliability.md, Migrations).");
        }
        LOG.warn("The last start was interrupted while migrating {}: restoring the copy taken before ({}) and "
            + "migrating again", file, copy);
        Files.copy(copy, file, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(marker);
      }
      if (!Files.exists(file)) {
        Files.deleteIfExists(copy);
        writeMarker(NEW_FILE + ": the file is created by the migrations now running\n");
        return;
      }
      if (flyway.info().pending().length == 0) {
        Files.deleteIfExists(copy);
        return;
      }
      Path partial = copy.resolveSibling(copy.getFileName() + ".partial");
      Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      writeMarker("migrating since the copy " + copy.getFileName() + " was taken\n");
      LOG.info("Migrating {} ({} migrations pending); a copy of it is kept until they are done",
          file, flyway.info().pending().length);
    } catch (IOException e) {
      throw new UncheckedIOException("Preparing the migration of " + file + " failed", e);
    }
  }

  /** Writes the marker whole or not at all (a kill while writing it leaves none). */
  private void writeMarker(String text) throws IOException {
    Path partial = marker.resolveSibling(marker.getFileName() + ".partial");
    Files.writeString(partial, text);
    Files.move(partial, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Called once every migration succeeded: the copy and the marker go. */
  void done() {
    try {
      Files.deleteIfExists(marker);
      Files.deleteIfExists(copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
