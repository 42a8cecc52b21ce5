package io.flotilla.api.http;

/** A resource's routes (one class per resource). */
public interface ResourceRoutes {
  void register(RouteTable table);
}
