package io.flotilla.gateway.https;

import io.flotilla.domain.common.FlotillaException;
import io.flotilla.domain.upload.BlobNames;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The local store of uploaded files: blob {@code {deviceId}/{name}} of container {@code c} is the file
 * {@code {root}/c/{deviceId}/{name}}. Bytes are written to {@code {root}/.partial/} first and moved into place when
 * complete, so a file either is whole or is not there. No name can reach outside the root: names are checked segment by
 * segment ({@link BlobNames}) and the resolved path must still lie under its container's directory.
 */
public final class UploadDirectory {
  private static final String PARTIAL = ".partial";
  private final Path root;

  public UploadDirectory(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** Fails with {@code Invalid} for a name that is not a safe blob name. */
  public Path file(String container, String blobName) {
    Path base = root.resolve(BlobNames.container(container));
    Path file = base;
    for (String segment : BlobNames.check("blobName", blobName).split("/")) {
      file = file.resolve(segment);
    }
    file = file.normalize();
    if (!file.startsWith(base) || file.equals(base)) {
      throw new FlotillaException.Invalid("blobName must name a file inside the container.");
    }
    return file;
  }

  /** A fresh temporary file for the bytes of upload {@code correlationId}. */
  public Path partial(String correlationId) {
    return root.resolve(PARTIAL).resolve(correlationId.replaceAll("[^A-Za-z0-9]", "") + "-" + UUID.randomUUID());
  }
}
