package io.flotilla.domain.device;

/** A device's answer to a direct method: the status it chose and its payload as JSON text ({@code null} when empty). */
public record MethodResult(int status, String payloadJson) {
}
