package io.flotilla.domain.template;

/** A DTDL {@code Component}: a named instance of an interface within the root interface. */
public record ComponentCapability(String name, InterfaceModel schema) {}
