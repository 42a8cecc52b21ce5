package io.flotilla.gateway.mqtt;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.vertx.core.Handler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.mqtt.MqttServer;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Keeps the username of a CONNECT that has no password. X.509 devices send exactly that (device-protocol.md 1.4: the
 * username says hub or DPS, the certificate proves who), but Vert.x MQTT 5.0.7 hands the endpoint no credentials at
 * all unless both the username and the password flag are set. This installs, right after the MQTT decoder of each
 * connection, a handler that gives such a CONNECT an empty password (then removes itself); the gateway treats an
 * empty password as none. It reaches the connection through the server's {@code NetServer} (its connect handler is
 * wrapped before the server listens): the one place Flotilla depends on how {@code MqttServerImpl} is built, covered
 * by {@code X509DevicesTest}.
 */
final class UsernameWithoutPassword {
  private static final String DECODER = "mqttDecoder";
  private static final ChannelHandler PATCH = new Patch();

  private UsernameWithoutPassword() {
  }

  /** Call before {@code listen()}. Fails with {@code IllegalStateException} when the server is not built as expected. */
  static MqttServer keep(MqttServer server) {
    try {
      Field f = server.getClass().getDeclaredField("server");
      f.setAccessible(true);
      NetServer net = (NetServer) f.get(server);
      f.set(server, Proxy.newProxyInstance(UsernameWithoutPassword.class.getClassLoader(),
          new Class<?>[] {NetServer.class}, (proxy, method, args) -> {
            if (method.getName().equals("connectHandler") && args != null && args.length == 1) {
              @SuppressWarnings("unchecked")
              Handler<NetSocket> mqtt = (Handler<NetSocket>) args[0];
              net.connectHandler(so -> {
                mqtt.handle(so);
                var pipeline = ((NetSocketInternal) so).channelHandlerContext().pipeline();
                if (pipeline.get(DECODER) != null) {
                  pipeline.addAfter(DECODER, "flotillaUsernameWithoutPassword", PATCH);
                }
              });
              return proxy;
            }
            try {
              return method.invoke(net, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }));
      return server;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Vert.x MQTT server internals changed: cannot keep password-less usernames", e);
    }
  }

  @ChannelHandler.Sharable
  private static final class Patch extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof MqttConnectMessage m) {
        ctx.pipeline().remove(this);
        MqttConnectVariableHeader h = m.variableHeader();
        if (h.hasUserName() && !h.hasPassword()) {
          MqttConnectPayload p = m.payload();
          msg = new MqttConnectMessage(m.fixedHeader(), new MqttConnectVariableHeader(h.name(), h.version(), true,
              true, h.isWillRetain(), h.willQos(), h.isWillFlag(), h.isCleanSession(), h.keepAliveTimeSeconds(),
              h.properties()), new MqttConnectPayload(p.clientIdentifier(), p.willProperties(), p.willTopic(),
              p.willMessageInBytes(), p.userName(), new byte[0]));
        }
      }
      ctx.fireChannelRead(msg);
    }
  }
}
