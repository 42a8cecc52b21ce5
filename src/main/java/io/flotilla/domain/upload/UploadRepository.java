package io.flotilla.domain.upload;

import io.flotilla.domain.common.Page;
import io.flotilla.domain.common.PageRequest;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The upload configuration (one or none) and the uploads devices asked for. */
public interface UploadRepository {
  Future<Optional<UploadSettings>> settings();

  /** Stores the configuration when there is none; {@code false} when one exists (nothing written). */
  Future<Boolean> createSettings(UploadSettings settings);

  /** Applies {@code change} to the stored configuration, locked meanwhile; empty when there is none. */
  Future<Optional<UploadSettings>> updateSettings(UnaryOperator<UploadSettings> change);

  /** {@code false} when there was none. */
  Future<Boolean> deleteSettings();

  Future<Void> insert(FileUpload upload);

  Future<Optional<FileUpload>> find(String correlationId);

  /** Records the stored size of an upload's bytes (again on a second write); {@code false} for an unknown one. */
  Future<Boolean> stored(String correlationId, long sizeBytes, Instant at);

  /**
   * Records the device's notification of its upload {@code correlationId}, the first one only; {@code false} when the
   * device has no such upload or already notified it.
   */
  Future<Boolean> completed(String deviceId, String correlationId, boolean success, Integer statusCode,
                            String statusDescription, Instant at);

  /** Uploads in correlation id order (oldest first, ids sort by time), of one device or ({@code null}) of all. */
  Future<Page<FileUpload>> list(String deviceId, PageRequest page);
}
