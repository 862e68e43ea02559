package org.acme.voicewebhooks.cognigy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "s-1|s-1",
        "x/../../admin|x%2F..%2F..%2Fadmin",
        "x?admin=1|x%3Fadmin%3D1",
        "a%2Fb|a%252Fb",
        "a b|a%20b",
        "x#frag|x%23frag",
        ".|%2E",
        "..|%2E%2E",
        "{{env:HOME}}|%7B%7Benv%3AHOME%7D%7D",
        "Zoë|Zo%C3%AB",
    })
    void eachValueFillsExactlyOneSegment(String value, String segment) {
        PathTemplate template = new PathTemplate("/api/v1/flows/{flowId}/sessions/{sessionId}/messages");

        assertThat(template.expand(Map.of("flowId", "f-1", "sessionId", value)))
                .isEqualTo("/api/v1/flows/f-1/sessions/" + segment + "/messages");
    }

    @Test
    void missingValueIsAnError() {
        assertThatThrownBy(() -> new PathTemplate("/s/{sessionId}").expand(Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
