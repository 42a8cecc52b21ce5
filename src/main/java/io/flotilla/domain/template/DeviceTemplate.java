package io.flotilla.domain.template;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A published device template: the document as the client sent it (with {@code @id} set to the template id),
 * its parsed capability model and its etag.
 */
public record DeviceTemplate(String id, String displayName, ObjectNode document, String etag, CapabilityModel model) {
}
