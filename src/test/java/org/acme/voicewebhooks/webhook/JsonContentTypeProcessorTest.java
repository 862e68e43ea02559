package org.acme.voicewebhooks.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonContentTypeProcessorTest {

    @ParameterizedTest(name = "{0} is JSON: {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "application/json|true",
        "Application/JSON; charset=utf-8|true",
        "application/vnd.cognigy+json|true",
        "text/json|false",
        "application/jsonp|false",
        "text/plain|false",
        "''|false",
        "null|false",
    })
    void recognisesJsonMediaTypes(String contentType, boolean json) {
        assertThat(JsonContentTypeProcessor.isJson(contentType)).isEqualTo(json);
    }
}
