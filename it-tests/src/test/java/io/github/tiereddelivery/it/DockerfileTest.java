package io.github.tiereddelivery.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.tiereddelivery.demo.JamesInstallation;

/**
 * There is no Docker engine to build the image here: this checks the Dockerfile against the build output. Every
 * COPY source exists and gets into the build context, the extension jar is the one {@link ExtensionJarInJamesTest}
 * runs, the configuration is the folder the it-tests boot James from.
 */
class DockerfileTest {
    private static final Path PROJECT = Path.of(System.getProperty("tiered.project.dir")).toAbsolutePath().normalize();
    private static final Pattern ARG = Pattern.compile("ARG\\s+(\\w+)=(\\S+)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");

    /** One COPY instruction, ARG defaults substituted. */
    private record Copy(String source, String destination) {
    }

    private static List<String> instructions;
    private static List<Copy> copies;

    @BeforeAll
    static void readDockerfile() throws IOException {
        instructions = Files.readAllLines(PROJECT.resolve("Dockerfile")).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .collect(Collectors.toList());
        Map<String, String> arguments = new HashMap<>();
        copies = new ArrayList<>();
        for (String instruction : instructions) {
            Matcher arg = ARG.matcher(instruction);
            if (arg.matches()) {
                arguments.put(arg.group(1), arg.group(2));
            }
            if (instruction.startsWith("COPY ")) {
                String[] words = substitute(instruction, arguments).split("\\s+");
                assertThat(words).as(instruction + ": one source and a destination").hasSize(3);
                copies.add(new Copy(words[1], words[2]));
            }
        }
    }

    @Test
    void buildsOnTheOfficialMemoryImageUnlessAnotherFlavourIsGiven() {
        assertThat(instructions).containsSubsequence("ARG JAMES_FLAVOUR=memory-3.8.1", "FROM apache/james:${JAMES_FLAVOUR}");
    }

    @Test
    void everyCopySourceExistsInTheBuildOutput() throws IOException {
        for (Copy copy : copies) {
            assertThat(sources(copy)).as("files matching COPY source " + copy.source()).isNotEmpty();
        }
    }

    @Test
    void theExtensionJarItCopiesIsTheOneThePackagingTestRuns() throws IOException {
        Path jarInJames = JamesInstallation.at(Path.of(System.getProperty("tiered.james.home"))).extensionJars().get(0);

        assertThat(sources(copyTo("/root/extensions-jars/"))).singleElement()
            .satisfies(jar -> assertThat(jar).hasFileName(jarInJames.getFileName().toString())
                .hasSameBinaryContentAs(jarInJames));
    }

    @Test
    void theConfigurationItCopiesIsTheFolderTheItTestsBootJamesFrom() throws IOException {
        Path itTestsConf = Path.of(System.getProperty("tiered.conf.dir")).toRealPath();

        assertThat(sources(copyTo("/root/conf/"))).containsExactly(itTestsConf);
    }

    @Test
    void exposesSmtpAndWebAdmin() {
        assertThat(instructions).contains("EXPOSE 25 8000");
    }

    /**
     * .dockerignore as Docker reads it: the last pattern matching a path or one of its parent folders decides, "!"
     * keeps what an earlier pattern left out.
     */
    @Test
    void dockerignoreKeepsEveryCopiedFileInTheBuildContext() throws IOException {
        List<String> patterns = Files.readAllLines(PROJECT.resolve(".dockerignore")).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .collect(Collectors.toList());
        for (Copy copy : copies) {
            for (Path source : sources(copy)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(source)) {
                    files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
                }
                for (Path file : files) {
                    assertThat(ignored(patterns, PROJECT.relativize(file))).as(file + " in the build context").isFalse();
                }
            }
        }
    }

    private static boolean ignored(List<String> patterns, Path file) {
        boolean ignored = false;
        for (String pattern : patterns) {
            boolean keep = pattern.startsWith("!");
            String glob = (keep ? pattern.substring(1) : pattern).replaceAll("/+$", "");
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            for (Path path = file; path != null; path = path.getParent()) {
                if (matcher.matches(path)) {
                    ignored = !keep;
                    break;
                }
            }
        }
        return ignored;
    }

    private static Copy copyTo(String destination) {
        return copies.stream().filter(copy -> copy.destination().equals(destination)).findFirst()
            .orElseThrow(() -> new AssertionError("the Dockerfile has no COPY to " + destination + ": " + copies));
    }

    /** The files or folders a COPY source names (a glob in its last part, relative to the build context). */
    private static List<Path> sources(Copy copy) throws IOException {
        Path source = PROJECT.resolve(copy.source()).normalize();
        Path folder = source.getParent();
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + source.getFileName());
        try (Stream<Path> entries = Files.list(folder)) {
            List<Path> matches = new ArrayList<>();
            for (Path entry : entries.filter(entry -> matcher.matches(entry.getFileName())).collect(Collectors.toList())) {
                matches.add(entry.toRealPath());
            }
            return matches;
        }
    }

    private static String substitute(String instruction, Map<String, String> arguments) {
        Matcher variable = VARIABLE.matcher(instruction);
        StringBuilder result = new StringBuilder();
        while (variable.find()) {
            String value = arguments.get(variable.group(1));
            assertThat(value).as("default of ARG " + variable.group(1)).isNotNull();
            variable.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        return variable.appendTail(result).toString();
    }
}
