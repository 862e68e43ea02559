package org.acme.voicewebhooks.webhook;

import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Refuses a request whose Content-Type is not JSON ({@code application/json} or {@code application/*+json}). */
public final class JsonContentTypeProcessor implements Processor {

    @Override
    public void process(Exchange exchange) {
        if (!isJson(exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class))) {
            throw new WebhookException(415, "Content-Type must be application/json");
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }
}
