package io.flotilla.loadgen;

/** A registered device the load generator can connect as: its id and primary symmetric key (Base64). */
public record DeviceIdentity(String id, String primaryKey) {
}
