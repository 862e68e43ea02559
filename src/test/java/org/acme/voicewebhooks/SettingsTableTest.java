package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The README's settings table is generated from application.properties (key, default, the comment above it), so the
 * two never drift. After changing a setting: {@code mvn -q test -Dtest=SettingsTableTest -Dsettings.table.write=true}.
 */
class SettingsTableTest {

    private static final Path PROPERTIES = Path.of("application.properties");
    private static final Path README = Path.of("README.md");

    static List<String> table(List<String> properties) {
        List<String> rows = new ArrayList<>(List.of("| key | default | meaning |", "|---|---|---|"));
        StringBuilder comment = new StringBuilder();
        boolean afterKey = false;
        for (String raw : properties) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("# ---")) {
                comment.setLength(0);
                afterKey = false;
            } else if (line.startsWith("#")) {
                if (afterKey) {
                    comment.setLength(0);
                    afterKey = false;
                }
                comment.append(comment.length() == 0 ? "" : " ").append(line.substring(1).strip());
            } else {
                int eq = line.indexOf('=');
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                rows.add("| `" + key + "` | " + (value.isEmpty() ? "" : "`" + value.replace("|", "\\|") + "`") + " | "
                        + comment.toString().replace("|", "\\|") + " |");
                afterKey = true;
            }
        }
        return rows;
    }

    @Test
    void readmeSettingsTableMatchesApplicationProperties() throws IOException {
        List<String> expected = table(Files.readAllLines(PROPERTIES));
        List<String> readme = Files.readAllLines(README);
        int start = readme.indexOf("| key | default | meaning |");
        int end = start;
        while (end < readme.size() && readme.get(end).startsWith("|")) {
            end++;
        }
        if (Boolean.getBoolean("settings.table.write")) {
            List<String> updated = new ArrayList<>(readme.subList(0, start));
            updated.addAll(expected);
            updated.addAll(readme.subList(end, readme.size()));
            Files.write(README, updated);
            return;
        }
        assertThat(start).as("README has the settings table").isPositive();
        assertThat(readme.subList(start, end)).containsExactlyElementsOf(expected);
    }

    @Test
    void everySettingHasAComment() throws IOException {
        List<String> rows = table(Files.readAllLines(PROPERTIES));
        assertThat(rows.subList(2, rows.size())).allSatisfy(row -> assertThat(row).doesNotEndWith("|  |"));
    }
}
