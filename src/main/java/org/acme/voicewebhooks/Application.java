package org.acme.voicewebhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.acme.voicewebhooks.settings.InvalidSettingException;
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
            // Main is done: its JVM shutdown hook would otherwise report the coming exit as a SIGTERM
            main.getShutdownStrategy().shutdown();
            InvalidSettingException invalid = InvalidSettingException.find(e);
            if (invalid == null) {
                throw e;
            }
            invalid.getMessage().lines().forEach(problem -> System.err.println("Start-up stopped: " + problem));
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
     * Routes from the working folder's routes/ when there is one (development), else from the jar. The Java parts are
     * named in application.properties (camel.main.configuration-classes, camel.main.routes-builder-classes), where
     * Camel JBang reads them too; scanning the classpath instead took seconds of start-up in the runnable jar.
     */
    public static void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(
                Files.isDirectory(Path.of("routes")) ? "file:routes/*.camel.yaml" : packagedRoutes());
        configuration.setBasePackageScanEnabled(false);
    }
}
