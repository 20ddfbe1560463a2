package io.github.tiereddelivery.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JamesInstallationTest {
    @TempDir
    Path home;

    @Test
    void folderWithoutTheMemoryAppJarIsRefusedWithTheBuildCommand() {
        assertThatThrownBy(() -> JamesInstallation.at(home))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no libs/james-server-memory-app-*.jar")
            .hasMessageContaining("mvn -DskipTests package");
    }

    @Test
    void folderWithoutExtensionJarIsRefused() throws Exception {
        Files.createDirectories(home.resolve("libs"));
        Files.createFile(home.resolve("libs/james-server-memory-app-3.8.1.jar"));

        assertThatThrownBy(() -> JamesInstallation.at(home))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("extensions-jars holds no jar");
    }

    @Test
    void assembledFolderListsItsExtensionJars() throws Exception {
        Files.createDirectories(home.resolve("libs"));
        Files.createFile(home.resolve("libs/james-server-memory-app-3.8.1.jar"));
        Files.createDirectories(home.resolve("extensions-jars"));
        Files.createFile(home.resolve("extensions-jars/tiered-delivery-extension-1.0.jar"));

        assertThat(JamesInstallation.at(home).extensionJars())
            .containsExactly(home.resolve("extensions-jars/tiered-delivery-extension-1.0.jar"));
    }
}
