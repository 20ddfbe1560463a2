package io.github.tiereddelivery.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A James 3.8.1 memory server laid out as the official {@code apache/james:memory-3.8.1} image lays out /root:
 * {@code libs/} (every runtime jar of {@code james-server-memory-app}, the app jar included) and
 * {@code extensions-jars/} (the extension jar alone). {@code mvn package} assembles it in {@code demo/target/james}.
 */
public record JamesInstallation(Path home) {
    public static final String MAIN_CLASS = "org.apache.james.MemoryJamesServerMain";
    private static final String APP_JAR_PREFIX = "james-server-memory-app-";

    /** Checks that {@code home} holds an assembled server. */
    public static JamesInstallation at(Path home) {
        JamesInstallation installation = new JamesInstallation(home.toAbsolutePath().normalize());
        if (installation.jars(installation.libs()).stream()
                .noneMatch(jar -> jar.getFileName().toString().startsWith(APP_JAR_PREFIX))) {
            throw new IllegalArgumentException(installation.home() + " is not an assembled James memory server (no "
                + "libs/" + APP_JAR_PREFIX + "*.jar): build it with `mvn -DskipTests package` at the project root");
        }
        if (installation.extensionJars().isEmpty()) {
            throw new IllegalArgumentException(installation.extensionsJars() + " holds no jar: build the extension"
                + " with `mvn -DskipTests package` at the project root");
        }
        return installation;
    }

    public Path libs() {
        return home.resolve("libs");
    }

    public Path extensionsJars() {
        return home.resolve("extensions-jars");
    }

    /** The jars of {@code extensions-jars/}, by name. */
    public List<Path> extensionJars() {
        return jars(extensionsJars());
    }

    /** The class path of the official image's command line, {@code /root/libs/*}. */
    String classPath() {
        return libs().resolve("*").toString();
    }

    private List<Path> jars(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted()
                .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }
}
