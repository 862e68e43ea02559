package org.acme.voicewebhooks.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.BeanInject;
import org.apache.camel.builder.RouteConfigurationBuilder;

/** Every webhook route answers its own failures through a {@link FailureAnswerProcessor}, then stops. */
public final class WebhookErrorHandling extends RouteConfigurationBuilder {

    public static final String BARGE_IN = "barge-in-errors";
    public static final String ASR = "asr-errors";
    public static final String ADMIN = "admin-errors";

    @BeanInject
    private ObjectMapper jsonMapper;
    @BeanInject
    private Budget budget;

    @Override
    public void configuration() {
        answer(BARGE_IN, PayloadProblems::bargeIn);
        answer(ASR, PayloadProblems::asr);
        answer(ADMIN, PayloadAnswers.NONE);
    }

    private void answer(String id, PayloadAnswers payloadAnswers) {
        routeConfiguration(id)
                .onException(Exception.class)
                    .handled(true)
                    .logExhausted(false)
                    .process(new FailureAnswerProcessor(jsonMapper, payloadAnswers, budget))
                .end();
    }
}
