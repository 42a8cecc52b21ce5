package io.flotilla.gateway.mqtt;

/** A CONNECT username or SAS token that does not have the documented shape (answered with CONNACK 0x04 or 0x05). */
public final class MalformedCredentials extends RuntimeException {

  public MalformedCredentials(String message) {
    super(message, null, false, false);
  }
}
