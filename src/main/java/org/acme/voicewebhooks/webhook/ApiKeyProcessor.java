package org.acme.voicewebhooks.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Refuses a request whose API key header is missing or wrong, comparing in constant time. */
public final class ApiKeyProcessor implements Processor {

    private final String header;
    private final byte[] expected;

    public ApiKeyProcessor(String header, String expectedKey) {
        this.header = header;
        this.expected = expectedKey.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void process(Exchange exchange) {
        String presented = exchange.getMessage().getHeader(header, String.class);
        if (presented == null) {
            throw CallerAuthProcessor.refused(exchange, "no " + header + " header");
        }
        if (!MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8))) {
            throw CallerAuthProcessor.refused(exchange, "unknown " + header);
        }
    }
}
