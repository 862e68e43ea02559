package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Runs every curl command of the README, as written, against the dev profile (the README's run command) on the port in
 * PORT, and compares what it prints with the comment under it, where {@code …} stands for any text. The README can
 * never drift.
 */
class ReadmeExamplesTest extends DevProfileTestSupport {

    /** The dev profile's admin key, for the commands that name $ADMIN_API_KEY. */
    private static final String ADMIN_KEY = "dev-admin-key";

    /** One command of the README and the output its comment promises. */
    record Example(int line, String command, String expected) {
    }

    /** The curl commands of the README's bash blocks, each with the comment lines that follow it. */
    static List<Example> examples(List<String> readme) {
        List<Example> examples = new ArrayList<>();
        boolean bash = false;
        for (int i = 0; i < readme.size(); i++) {
            String line = readme.get(i);
            if (line.startsWith("```")) {
                bash = line.equals("```bash");
                continue;
            }
            if (!bash || !line.startsWith("curl ")) {
                continue;
            }
            int first = i;
            StringBuilder command = new StringBuilder();
            while (readme.get(i).endsWith("\\")) {
                command.append(readme.get(i), 0, readme.get(i).length() - 1);
                i++;
            }
            command.append(readme.get(i));
            StringBuilder expected = new StringBuilder();
            while (i + 1 < readme.size() && readme.get(i + 1).startsWith("# ")) {
                expected.append(readme.get(++i).substring(2).strip());
            }
            examples.add(new Example(first + 1, command.toString(), expected.toString()));
        }
        return examples;
    }

    /** Runs the command as written, in a shell whose PORT is this test's, as a reader's terminal would have it. */
    private String run(String command) throws IOException, InterruptedException {
        ProcessBuilder shell = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .directory(Path.of(".").toFile());
        shell.environment().put("PORT", String.valueOf(port));
        Process curl = shell.start();
        curl.getOutputStream().close();
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).as("curl finished: %s", command).isTrue();
        return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static Pattern pattern(String expected) {
        StringBuilder regex = new StringBuilder();
        for (String part : expected.split("…", -1)) {
            if (regex.length() > 0) {
                regex.append(".*?");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Test
    void everyCurlCommandOfTheReadmeAnswersAsDocumented() throws Exception {
        List<Example> examples = examples(Files.readAllLines(Path.of("README.md")));

        assertThat(examples).hasSizeGreaterThanOrEqualTo(13)
                .allSatisfy(e -> assertThat(e.expected()).as("README line %d says what it answers", e.line()).isNotEmpty())
                .allSatisfy(e -> assertThat(e.command()).as("README line %d calls the service on PORT", e.line())
                        .contains("http://localhost:${PORT:-8080}/").doesNotContainPattern("localhost:[0-9]"));
        for (Example example : examples) {
            String command = example.command().replace("$ADMIN_API_KEY", ADMIN_KEY);
            String output = run(command);
            assertThat(pattern(example.expected()).matcher(output).matches())
                    .as("README line %d: %s%n printed: %s%n expected: %s", example.line(), example.command(), output,
                            example.expected())
                    .isTrue();
        }
    }
}
