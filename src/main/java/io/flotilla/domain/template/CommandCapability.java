package io.flotilla.domain.template;

import java.util.Optional;

/** A DTDL {@code Command}, with its optional request and response payloads. */
public record CommandCapability(String name, Optional<CommandPayload> request, Optional<CommandPayload> response)
    implements Capability {

  /** A DTDL {@code CommandPayload}. */
  public record CommandPayload(String name, Schema schema) {}
}
