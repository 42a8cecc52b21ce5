package io.flotilla.testing;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.util.concurrent.CompletableFuture;

/**
 * Twin requests of the Azure IoT device SDK (2.5.0), answered with the response message as the SDK received it.
 *
 * <p>Not the SDK's blocking {@code getTwin()}/{@code updateReportedProperties()}: the device client hands a received
 * response to its receive thread and only then looks up the request's callback (IotHubTransport.onMessageReceived),
 * while the receive thread acknowledges the response and then drops that callback (acknowledgeReceivedMessage). When
 * the MQTT thread loses that race the blocking calls time out although the response arrived (seen on a busy 2-core
 * machine, about one run in ten). The receive thread's own {@code onResponseAcknowledged} always runs; whichever of
 * the two callbacks comes first completes the future.
 */
public final class SdkTwinRequests {
  private SdkTwinRequests() {
  }

  /** The twin GET's response: status {@code 200} and the twin's properties as its body. */
  public static CompletableFuture<IotHubTransportMessage> getTwin(DeviceClient client) {
    Response response = new Response();
    client.getTwinAsync((GetTwinCorrelatingMessageCallback) response, null);
    return response;
  }

  /** The reported patch's response: status {@code 204} and the new reported {@code $version}. */
  public static CompletableFuture<IotHubTransportMessage> updateReported(DeviceClient client, TwinCollection patch) {
    Response response = new Response();
    client.updateReportedPropertiesAsync(patch, (ReportedPropertiesUpdateCorrelatingMessageCallback) response, null);
    return response;
  }

  /** Completed by whichever of the SDK's two response callbacks runs first; failed if the request was refused. */
  private static final class Response extends CompletableFuture<IotHubTransportMessage>
      implements GetTwinCorrelatingMessageCallback, ReportedPropertiesUpdateCorrelatingMessageCallback {
    @Override
    public void onRequestQueued(Message message, Object context) {
    }

    @Override
    public void onRequestSent(Message message, Object context) {
    }

    @Override
    public void onRequestAcknowledged(Message message, Object context, IotHubClientException e) {
      if (e != null) {
        completeExceptionally(e);
      }
    }

    @Override
    public void onResponseReceived(Twin twin, Message message, Object context, IotHubStatusCode status,
                                   IotHubClientException e) {
      complete((IotHubTransportMessage) message);
    }

    @Override
    public void onResponseReceived(Message message, Object context, IotHubStatusCode status,
                                   ReportedPropertiesUpdateResponse update, IotHubClientException e) {
      complete((IotHubTransportMessage) message);
    }

    @Override
    public void onResponseAcknowledged(Message message, Object context) {
      complete((IotHubTransportMessage) message);
    }
  }

  /** The twin in a GET response. */
  public static Twin twin(IotHubTransportMessage response) {
    return Twin.createFromPropertiesJson(new String(response.getBytes(), java.nio.charset.StandardCharsets.UTF_8));
  }
}
