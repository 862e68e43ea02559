package org.acme.voicewebhooks.web;

import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteConfigurationBuilder;

/** Every webhook route answers its own failures through {@link FailureAnswerProcessor}, then stops. */
public final class WebhookErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "webhook-errors";

    @BeanInject
    private FailureAnswerProcessor failureAnswer;

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                    .handled(true)
                    .logExhausted(false)
                    .process(failureAnswer)
                .end();
    }
}
