package org.acme.voicewebhooks.cognigy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonTemplateTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void wholeValuesKeepTheirTypeAndTextIsEscaped() throws Exception {
        JsonTemplate template = JsonTemplate.parse(json,
                "{\"c\":\"{confidence}\",\"t\":\"{transcript}\",\"n\":\"{missing}\",\"b\":\"{flag}\",\"s\":\"said: {transcript}\"}");
        Map<String, Object> values = new HashMap<>();
        values.put("confidence", 0.75);
        values.put("transcript", "say \"hi\"\nthen ☎ 日本");
        values.put("missing", null);
        values.put("flag", true);

        String rendered = template.render(values);

        assertThat(rendered).isEqualTo("{\"c\":0.75,\"t\":\"say \\\"hi\\\"\\nthen ☎ 日本\",\"n\":null,\"b\":true,"
                + "\"s\":\"said: say \\\"hi\\\"\\nthen ☎ 日本\"}");
        assertThat(json.readTree(rendered).get("t").asText()).isEqualTo("say \"hi\"\nthen ☎ 日本");
    }

    @Test
    void placeholdersSideBySideAndInArraysAreEachFilled() throws Exception {
        JsonTemplate template = JsonTemplate.parse(json,
                "{\"v\":[{\"key\":\"{key}\",\"value\":\"{c}\"},\"{a}{b}\",\"x{a}\",7,\"{b}\"]}");

        String rendered = template.render(Map.of("key", "k", "c", 0.9, "a", "A", "b", 2));

        assertThat(rendered).isEqualTo("{\"v\":[{\"key\":\"k\",\"value\":0.9},\"A2\",\"xA\",7,2]}");
    }

    @Test
    void aWriterThatEscapesTheSlotMarkIsRefusedAtStartUp() {
        ObjectMapper escaping = new ObjectMapper();
        escaping.getFactory().configure(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true);

        assertThatThrownBy(() -> JsonTemplate.parse(escaping, "{\"a\":\"{b}\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPlaceholderWithoutAValueIsAnError() throws Exception {
        assertThatThrownBy(() -> JsonTemplate.parse(json, "{\"a\":\"{nope}\"}").render(Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
