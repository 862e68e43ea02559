package org.acme.voicewebhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.acme.voicewebhooks.asr.AsrCommandRoutes;
import org.acme.voicewebhooks.bargein.BargeInCommandRoutes;
import org.acme.voicewebhooks.cognigy.CognigyClientRoutes;
import org.acme.voicewebhooks.cognigy.CognigyRedelivery;
import org.acme.voicewebhooks.config.InvalidSettingException;
import org.acme.voicewebhooks.config.WebhooksConfiguration;
import org.acme.voicewebhooks.deadletter.DeadLetterRoutes;
import org.acme.voicewebhooks.records.AcousticRecordRoutes;
import org.acme.voicewebhooks.simulator.CognigySimulatorRoutes;
import org.acme.voicewebhooks.web.WebhookErrorHandling;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;

/** Starts the webhooks service: root settings and routes first, packaged copies as the fallback. */
public final class Application {

    /** The root file wins over the packaged defaults (the first location holding a key is used). */
    public static final String PROPERTY_LOCATIONS =
            "file:application.properties;optional=true,classpath:application.properties;optional=true";

    /** The Java routes and route configurations (a test checks that no RoutesBuilder of the package is missing). */
    static final List<Class<?>> ROUTES_BUILDERS = List.of(CognigyRedelivery.class, WebhookErrorHandling.class,
            CognigyClientRoutes.class, AcousticRecordRoutes.class, AsrCommandRoutes.class, BargeInCommandRoutes.class,
            CognigySimulatorRoutes.class, DeadLetterRoutes.class);

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

    /**
     * The jar's routes/*.camel.yaml by name: with a classpath wildcard Camel scans every entry of the runnable jar,
     * which took over a third of start-up.
     */
    static String packagedRoutes() {
        URL routes = Application.class.getClassLoader().getResource("routes");
        if (routes == null || !routes.getProtocol().equals("jar")) {
            return "classpath:routes/*.camel.yaml";
        }
        URI jarUri = URI.create(routes.toString().substring(0, routes.toString().indexOf("!/")));
        try (FileSystem jar = FileSystems.newFileSystem(jarUri, Map.of());
                Stream<Path> files = Files.list(jar.getPath("routes"))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".camel.yaml"))
                    .sorted().map(name -> "classpath:routes/" + name).collect(Collectors.joining(","));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Routes from the working folder's routes/ when there is one (development), else from the jar; the Java parts
     * named here rather than found by scanning the classpath, which took seconds of start-up in the runnable jar.
     */
    public static void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(
                Files.isDirectory(Path.of("routes")) ? "file:routes/*.camel.yaml" : packagedRoutes());
        configuration.setBasePackageScanEnabled(false);
        configuration.setConfigurationClasses(WebhooksConfiguration.class.getName());
        configuration.setRoutesBuilderClasses(
                ROUTES_BUILDERS.stream().map(Class::getName).collect(Collectors.joining(",")));
    }
}
