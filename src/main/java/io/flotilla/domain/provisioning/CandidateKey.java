package io.flotilla.domain.provisioning;

/**
 * A key that may have signed a device's or registration's SAS token.
 *
 * @param groupId the enrollment group the key was derived from; null for the device's own key
 */
public record CandidateKey(String key, String groupId) {
}
