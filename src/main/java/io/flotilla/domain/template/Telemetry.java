package io.flotilla.domain.template;

/** A DTDL {@code Telemetry}: a value the device sends. */
public record Telemetry(String name, Schema schema) implements Capability {}
