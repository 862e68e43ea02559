package org.acme.voicewebhooks.webhook;

import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.WebServerRequest;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/** The request body as the caller sent it, whatever its Content-Type. */
public final class RawBody {

    private RawBody() {
    }

    /**
     * The body as text ("" when there is none). platform-http keeps a form-encoded body out of the message (it becomes
     * form fields), while Vert.x still holds the bytes sent: those are read here.
     */
    public static String of(Message message) {
        Object body = message.getBody();
        if (body == null && message instanceof HttpMessage http && http.getRequest() instanceof WebServerRequest request) {
            RequestBody sent = request.routingContext().body();
            return sent == null || sent.isEmpty() ? "" : sent.asString("UTF-8");
        }
        String text = message.getBody(String.class);
        return text == null ? "" : text;
    }
}
