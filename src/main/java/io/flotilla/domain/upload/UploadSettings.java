package io.flotilla.domain.upload;

import java.time.Duration;

/**
 * The application's file upload configuration ({@code /fileUploads}): where devices' files go and how long an upload
 * SAS URI lives. {@code signingKey} (Base64) signs the blob SAS tokens handed to devices; it never leaves the server and
 * is kept across changes, so a change does not invalidate URIs already handed out (a delete does).
 */
public record UploadSettings(String account, String connectionString, String container, Duration sasTtl,
                             boolean readAccess, String state, String etag, String signingKey) {
  /** The only {@code state} Flotilla reports: the local store needs no provisioning. */
  public static final String SUCCEEDED = "succeeded";
}
