package org.acme.voicewebhooks.web;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** A webhook's answer: its status and JSON body only; the request's headers would otherwise be echoed back. */
public final class JsonAnswerProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*", Exchange.HTTP_RESPONSE_CODE);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        // bytes, so the answer carries a Content-Length rather than a chunked encoding
        message.setBody(message.getBody(String.class).getBytes(StandardCharsets.UTF_8));
    }
}
