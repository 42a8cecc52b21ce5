package io.flotilla.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.testing.ApiClient;
import io.flotilla.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The embedded H2's disk fills up (a 48 MB tmpfs holding the data directory, filled by another file): writes are
 * refused with 503 ServiceUnavailable in the error shape — never a 500, never a hang — and nothing is corrupted; when
 * space returns, writes succeed again without a restart, and a restart on the same files finds every write that was
 * acknowledged. Needs root (to mount the tmpfs); skipped otherwise. Figures go to {@code target/outage/h2-disk-full.txt}.
 */
class H2DiskFullTest {

  @Test
  void aFullDiskRefusesWritesWith503AndTheServerRecoversWhenSpaceReturns() throws Exception {
    Path mount = Files.createTempDirectory("flotilla-tmpfs");
    assumeThat(run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString()))
        .as("mounting a tmpfs (needs root)").isZero();
    try {
      Path dataDir = mount.resolve("data");
      Path filler = mount.resolve("filler");
      List<String> acknowledged = new ArrayList<>();
      List<Integer> refusals = new ArrayList<>();
      TestServer server = TestServer.restart(dataDir, c -> c);
      try {
        ApiClient api = server.api();
        for (int i = 0; i < 20; i++) {
          String id = "before-" + i;
          assertThat(api.put("/api/devices/" + id, "{\"displayName\": \"" + id + "\"}").status()).isEqualTo(200);
          acknowledged.add(id);
        }
        fill(filler);

        // The disk is full: each write is answered, with 503 (or succeeds, if H2 still had room in its file)
        String pad = "x".repeat(60_000);
        for (int i = 0; i < 40; i++) {
          String id = "full-" + i;
          long t0 = System.nanoTime();
          ApiClient.Response r = api.put("/api/devices/" + id, "{\"displayName\": \"" + id + "\"}");
          ApiClient.Response big = api.put("/api/deviceGroups/g-" + i, "{\"displayName\": \"" + pad.substring(0, 200)
              + "\", \"filter\": \"SELECT * FROM devices WHERE $displayName = \\\"" + pad.substring(0, 40) + i
              + "\\\"\"}");
          assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
          for (ApiClient.Response x : List.of(r, big)) {
            assertThat(x.status()).as("a write on a full disk: %s", x).isIn(200, 503);
            if (x.status() == 503) {
              assertThat(x.errorCode()).isEqualTo("ServiceUnavailable");
              refusals.add(503);
            }
          }
          if (r.status() == 200) {
            acknowledged.add(id);
          }
        }
        assertThat(refusals).as("writes were refused while the disk was full").isNotEmpty();
        assertThat(api.get("/api/devices/before-0").status()).as("reads on a full disk").isIn(200, 503);

        Files.delete(filler); // space returns
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
            api.put("/api/devices/after", "{\"displayName\": \"after\"}").status() == 200);
        acknowledged.add("after");
        assertThat(api.get("/healthz").status()).isEqualTo(200);
        for (String id : acknowledged) {
          assertThat(api.get("/api/devices/" + id).status()).as(id).isEqualTo(200);
        }
      } finally {
        server.stop();
      }

      // No corruption: the same files open again with every acknowledged write in them
      TestServer again = TestServer.restart(dataDir, c -> c);
      try {
        for (String id : acknowledged) {
          assertThat(again.api().get("/api/devices/" + id).json().get("displayName").asText()).isEqualTo(id);
        }
        assertThat(again.api().put("/api/devices/after-restart", "{}").status()).isEqualTo(200);
      } finally {
        again.stop();
      }
      Path dir = Path.of("target", "outage");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("h2-disk-full.txt"), String.format(
          "48 MB tmpfs filled: %d writes refused with 503, %d acknowledged writes all found after the space "
              + "returned and after a restart%n", refusals.size(), acknowledged.size()));
    } finally {
      run("umount", "-l", mount.toString());
      Files.deleteIfExists(mount);
    }
  }

  /** Writes zeros until the file system is full (to the last 4 KB block). */
  private static void fill(Path filler) {
    for (int size : new int[] {1 << 20, 4096}) {
      byte[] block = new byte[size];
      try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND)) {
        while (true) {
          out.write(block);
          out.flush();
        }
      } catch (IOException full) {
        // No space left on device
      }
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
