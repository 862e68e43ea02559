package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.support.scan.DefaultPackageScanClassResolver;
import org.junit.jupiter.api.Test;

class ApplicationTest {

    @Test
    void everyJavaRoutesBuilderOfTheServiceIsNamed() throws IOException {
        // start-up names them instead of scanning; a new one left off the list would silently never run
        Set<String> found = new DefaultPackageScanClassResolver()
                .findImplementations(RoutesBuilder.class, Application.class.getPackageName()).stream()
                .filter(type -> type.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith("/classes/"))
                .map(Class::getName)
                .collect(Collectors.toSet());
        Properties settings = new Properties();
        try (Reader file = Files.newBufferedReader(Path.of("application.properties"))) {
            settings.load(file);
        }

        assertThat(found).isNotEmpty();
        assertThat(Arrays.asList(settings.getProperty("camel.main.routes-builder-classes").split(",")))
                .containsExactlyInAnyOrderElementsOf(found);
    }
}
