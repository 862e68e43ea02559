package org.acme.voicewebhooks;

import java.nio.file.Files;
import java.nio.file.Path;

import org.acme.voicewebhooks.config.InvalidSettingException;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;

/** Starts the webhooks service: root settings and routes first, packaged copies as the fallback. */
public final class Application {

    /** The root file wins over the packaged defaults (the first location holding a key is used). */
    public static final String PROPERTY_LOCATIONS =
            "file:application.properties;optional=true,classpath:application.properties;optional=true";

    private Application() {
    }

    public static void main(String... args) throws Exception {
        Main main = new Main(Application.class);
        main.setDefaultPropertyPlaceholderLocation(PROPERTY_LOCATIONS);
        configure(main.configure());
        try {
            int code = main.run(args);
            if (code != 0) {
                System.exit(code);
            }
        } catch (Exception e) {
            InvalidSettingException invalid = InvalidSettingException.find(e);
            if (invalid == null) {
                throw e;
            }
            System.err.println("Start-up stopped: " + invalid.getMessage());
            System.exit(2);
        }
    }

    /** Routes from the working folder's routes/ when there is one (development), else from the jar. */
    public static void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(
                Files.isDirectory(Path.of("routes")) ? "file:routes/*.camel.yaml" : "classpath:routes/*.camel.yaml");
    }
}
