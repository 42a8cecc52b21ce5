package io.flotilla.domain.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One {@code data[]} entry: {@code target} template, capability {@code path} ({@code name} or
 * {@code component.name}) and {@code value}; or, for a template migration, the target {@code template}.
 * {@code type} is the spelling the client sent, echoed back.
 */
public record JobItem(String type, String target, String path, JsonNode value, String template) {
}
