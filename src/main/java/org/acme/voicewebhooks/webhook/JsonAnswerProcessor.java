package org.acme.voicewebhooks.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** A webhook's answer: its status and JSON body only; the request's headers would otherwise be echoed back. */
public final class JsonAnswerProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        answer(message, message.getHeader(Exchange.HTTP_RESPONSE_CODE), "application/json", message.getBody(String.class));
    }

    /** Makes the message a webhook answer: its status (when given), content type and body, no other header. */
    public static void answer(Message message, Object status, String contentType, String json) {
        // a plain clear: removeHeaders with an exclusion matches every header name against a pattern
        message.getHeaders().clear();
        if (status != null) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        }
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body(json));
    }

    /**
     * An answer's body as platform-http writes it best: a ByteBuffer carries a Content-Length and is written at once,
     * where bytes or a String would be streamed through worker-thread reads or sent chunked.
     */
    private static ByteBuffer body(String json) {
        return ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
    }

    /** An answer's body as text, read without using up a ByteBuffer that is still to be (or was) written. */
    public static String text(Message message) {
        if (message.getBody() instanceof ByteBuffer buffer && buffer.hasArray()) {
            return new String(buffer.array(), buffer.arrayOffset(), buffer.limit(), StandardCharsets.UTF_8);
        }
        return message.getBody(String.class);
    }
}
