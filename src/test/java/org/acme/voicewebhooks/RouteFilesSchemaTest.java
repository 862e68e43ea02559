package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route file is valid against Camel 4.18's own YAML DSL schema (the one in camel-yaml-dsl), as Kaoto reads it. */
class RouteFilesSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonSchema camelSchema() throws IOException {
        try (InputStream schema = YamlRoutesBuilderLoader.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(schema).as("camel-yaml-dsl's schema/camelYamlDsl.json").isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        }
    }

    private static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    @Test
    void everyRouteFileIsValidAgainstCamelsYamlDslSchema() throws IOException {
        JsonSchema schema = camelSchema();
        List<Path> files = routeFiles();

        assertThat(files).extracting(f -> f.getFileName().toString()).contains("barge-in-webhook.camel.yaml",
                "asr-confidence-webhook.camel.yaml", "cognigy-calls.camel.yaml", "dead-letters.camel.yaml",
                "acoustic-records.camel.yaml", "housekeeping.camel.yaml");
        for (Path file : files) {
            Set<ValidationMessage> problems = schema.validate(YAML.readTree(file.toFile()));
            assertThat(problems).as(file.toString()).isEmpty();
        }
    }

    @Test
    void aBrokenCopyFailsTheSchema(@TempDir Path dir) throws IOException {
        // a step with a misspelt key and a route without its from: what a hand edit could leave behind
        Path broken = dir.resolve("broken.camel.yaml");
        Files.writeString(broken, Files.readString(Path.of("routes/barge-in-webhook.camel.yaml"))
                .replaceFirst("setProperty:", "setPropperty:").replaceFirst("    from:", "    frm:"));

        Set<ValidationMessage> problems = camelSchema().validate(YAML.readTree(broken.toFile()));

        assertThat(problems).isNotEmpty();
    }

    @Test
    void everyRouteHasAnIdAndADescription() throws IOException {
        for (Path file : routeFiles()) {
            for (JsonNode item : YAML.readTree(file.toFile())) {
                JsonNode definition = item.has("route") ? item.get("route") : item.get("routeConfiguration");
                if (definition == null) {
                    continue;
                }
                assertThat(definition.path("id").asText()).as(file + ": an id").isNotBlank();
                assertThat(definition.path("description").asText()).as(file + " " + definition.path("id") + ": a description")
                        .isNotBlank();
            }
        }
    }
}
