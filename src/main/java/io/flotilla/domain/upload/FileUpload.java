package io.flotilla.domain.upload;

import java.time.Instant;

/**
 * One upload a device asked for: the blob it may write ({@code blobName} is {@code {deviceId}/{name asked for}}) until
 * {@code expiresAt}, then what became of it. {@code sizeBytes}/{@code storedAt} are set when the bytes were stored,
 * {@code completedAt}, {@code success}, {@code statusCode}, {@code statusDescription} by the device's notification.
 */
public record FileUpload(String correlationId, String deviceId, String container, String blobName,
                         Instant requestedAt, Instant expiresAt, Long sizeBytes, Instant storedAt, Instant completedAt,
                         Boolean success, Integer statusCode, String statusDescription) {

  /** A fresh request: nothing stored, no notification yet. */
  public static FileUpload requested(String correlationId, String deviceId, String container, String blobName,
                                     Instant requestedAt, Instant expiresAt) {
    return new FileUpload(correlationId, deviceId, container, blobName, requestedAt, expiresAt, null, null, null, null,
        null, null);
  }
}
