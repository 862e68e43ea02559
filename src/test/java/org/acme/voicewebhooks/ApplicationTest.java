package org.acme.voicewebhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.support.scan.DefaultPackageScanClassResolver;
import org.junit.jupiter.api.Test;

class ApplicationTest {

    @Test
    void everyJavaRoutesBuilderOfTheServiceIsNamed() {
        // start-up names them instead of scanning; a new one left off the list would silently never run
        Set<Class<?>> found = new DefaultPackageScanClassResolver()
                .findImplementations(RoutesBuilder.class, Application.class.getPackageName()).stream()
                .filter(type -> type.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith("/classes/"))
                .collect(Collectors.toSet());

        assertThat(found).isNotEmpty();
        assertThat(Application.ROUTES_BUILDERS).containsExactlyInAnyOrderElementsOf(found);
    }
}
