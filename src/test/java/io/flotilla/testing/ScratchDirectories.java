package io.flotilla.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Temporary directories for tests' databases and certificates, removed with everything in them when the test JVM
 * exits ({@code File.deleteOnExit} only removes empty directories, so every run used to leave its databases behind).
 */
public final class ScratchDirectories {
  private static final List<Path> CREATED = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> CREATED.forEach(ScratchDirectories::deleteQuietly),
        "scratch-directories"));
  }

  private ScratchDirectories() {
  }

  /** A new empty directory under the system temp directory, named {@code prefix…}. */
  public static Path create(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      CREATED.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // already gone, or not ours to delete any more
    }
  }
}
