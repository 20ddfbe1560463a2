package io.github.tiereddelivery.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.tiereddelivery.routes.Balancing;
import io.github.tiereddelivery.routes.Destination;
import io.github.tiereddelivery.routes.HostSpec;
import io.github.tiereddelivery.routes.InvalidRoutesException;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.RoutesFileParser;
import io.github.tiereddelivery.testing.LogCapture;

class RoutesFileTest {
    private static final String ACME_TO_1 = "<delivery-routes><route domain=\"acme.test\"><host>[192.0.2.1]</host></route></delivery-routes>";
    private static final String ACME_TO_2 = "<delivery-routes><route domain=\"acme.test\"><host>[192.0.2.2]</host></route></delivery-routes>";

    @TempDir
    Path conf;

    private Path write(String content, int secondsLater) throws Exception {
        Path file = conf.resolve("delivery-routes.xml");
        Files.writeString(file, content);
        // A distinct modification time even on coarse-grained file systems.
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(secondsLater)));
        return file;
    }

    private static String firstHost(RoutesFile file) {
        Route route = file.routes().routeFor("user@acme.test").orElseThrow();
        return route.destination().toString();
    }

    @Test
    void anInvalidFileStopsTheStart() throws Exception {
        Path file = write("<delivery-routes><route domain=\"acme.test\"/></delivery-routes>", 0);

        assertThatThrownBy(() -> RoutesFile.load(file, true))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("line 1");
    }

    @Test
    void aMissingRequiredFileStopsTheStart() {
        assertThatThrownBy(() -> RoutesFile.load(conf.resolve("delivery-routes.xml"), true))
            .hasMessageContaining("does not exist");
    }

    @Test
    void aMissingDefaultFileMeansNoRoutes() throws Exception {
        assertThat(RoutesFile.load(conf.resolve("delivery-routes.xml"), false).routes().routes()).isEmpty();
    }

    @Test
    void aChangedFileIsTakenIntoForce() throws Exception {
        RoutesFile file = RoutesFile.load(write(ACME_TO_1, 0), true);

        write(ACME_TO_2, 10);
        file.reloadIfChanged();

        assertThat(firstHost(file)).contains("192.0.2.2");
    }

    @Test
    void anInvalidNewVersionIsRefusedAndThePreviousRoutesStay() throws Exception {
        RoutesFile file = RoutesFile.load(write(ACME_TO_1, 0), true);

        write("<delivery-routes><route domain=\"acme.test\"><host preference=\"x\">[192.0.2.2]</host></route></delivery-routes>", 10);
        file.reloadIfChanged();

        assertThat(firstHost(file)).contains("192.0.2.1");
    }

    @Test
    void aFileThatAppearsLaterIsTakenIntoForce() throws Exception {
        RoutesFile file = RoutesFile.load(conf.resolve("delivery-routes.xml"), false);

        write(ACME_TO_1, 0);
        file.reloadIfChanged();

        assertThat(firstHost(file)).contains("192.0.2.1");
    }

    /** Whether the file is the default one (may be absent) or named by the routes parameter (required). */
    @ParameterizedTest(name = "required: {0}")
    @ValueSource(booleans = {false, true})
    void aDeletedFileIsRefusedAndItsRoutesStay(boolean required) throws Exception {
        Path path = write(ACME_TO_1, 0);
        RoutesFile file = RoutesFile.load(path, required);

        Files.delete(path);
        file.reloadIfChanged();

        assertThat(firstHost(file)).contains("192.0.2.1");
        assertThat(file.refusal()).hasValueSatisfying(reason -> assertThat(reason).contains("was deleted", "<delivery-routes/>"));
    }

    @Test
    void aWriteWhileTheFileIsDeletedIsRefusedRatherThanDroppingTheOtherRoutes() throws Exception {
        Path path = write(ACME_TO_1, 0);
        RoutesFile file = RoutesFile.load(path, false);
        Files.delete(path);

        assertThatThrownBy(() -> file.put(route("globex.test", "[192.0.2.4]")))
            .isInstanceOf(UneditableRoutesFileException.class)
            .hasMessageContaining("was deleted");
        assertThat(Files.exists(path)).isFalse();
        assertThat(firstHost(file)).contains("192.0.2.1");
    }

    @Test
    void aFileEmptiedOfRoutesMeansNoRoutes() throws Exception {
        RoutesFile file = RoutesFile.load(write(ACME_TO_1, 0), false);

        write("<delivery-routes/>", 10);
        file.reloadIfChanged();

        assertThat(file.routes().routes()).isEmpty();
        assertThat(file.refusal()).isEmpty();
    }

    @Test
    void aCopyThatKeepsSizeAndModificationTimeIsStillNoticed() throws Exception {
        RoutesFile file = RoutesFile.load(write(ACME_TO_1, 0), true);

        // Same size, modification time set back as cp -p or rsync -t do: the file's change time still moves.
        Thread.sleep(20);
        write(ACME_TO_2, 0);
        file.reloadIfChanged();

        assertThat(firstHost(file)).contains("192.0.2.2");
    }

    @Test
    void aSymbolicLinkSwappedToAnotherVersionIsNoticed() throws Exception {
        // A Kubernetes ConfigMap: delivery-routes.xml -> ..data/delivery-routes.xml, ..data -> a versioned folder.
        Path first = Files.createDirectories(conf.resolve("..2026_01"));
        Path second = Files.createDirectories(conf.resolve("..2026_02"));
        Files.writeString(first.resolve("delivery-routes.xml"), ACME_TO_1);
        Files.writeString(second.resolve("delivery-routes.xml"), ACME_TO_2);
        Files.setLastModifiedTime(second.resolve("delivery-routes.xml"), Files.getLastModifiedTime(first.resolve("delivery-routes.xml")));
        Files.createSymbolicLink(conf.resolve("..data"), first.getFileName());
        Path path = Files.createSymbolicLink(conf.resolve("delivery-routes.xml"), Path.of("..data", "delivery-routes.xml"));
        RoutesFile file = RoutesFile.load(path, true);

        Path swap = Files.createSymbolicLink(conf.resolve("..data_tmp"), second.getFileName());
        Files.move(swap, conf.resolve("..data"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        file.reloadIfChanged();

        assertThat(firstHost(file)).contains("192.0.2.2");
    }

    @Test
    void aWriteThroughASymbolicLinkReplacesTheFileItPointsToAndKeepsTheLink() throws Exception {
        Path versions = Files.createDirectories(conf.resolve("versions"));
        Files.writeString(versions.resolve("routes-v1.xml"), ACME_TO_1);
        Path path = Files.createSymbolicLink(conf.resolve("delivery-routes.xml"), Path.of("versions", "routes-v1.xml"));
        RoutesFile file = RoutesFile.load(path, true);

        file.put(route("globex.test", "[192.0.2.4]"));

        assertThat(Files.isSymbolicLink(path)).isTrue();
        assertThat(Files.readString(versions.resolve("routes-v1.xml"))).contains("globex.test", "192.0.2.1");
        assertThat(file.routes().routes()).hasSize(2);
    }

    @Test
    void aWriteKeepsTheFilesPermissionsAndANewFileIsReadableByAll() throws Exception {
        Path path = write(ACME_TO_1, 0);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-r--"));
        RoutesFile file = RoutesFile.load(path, true);

        file.put(route("globex.test", "[192.0.2.4]"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-rw-r--");

        Path other = conf.resolve("other").resolve("delivery-routes.xml");
        Files.createDirectories(other.getParent());
        RoutesFile created = RoutesFile.load(other, false);
        created.put(route("globex.test", "[192.0.2.4]"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(other))).isEqualTo("rw-r--r--");
    }

    /** A routes file whose route takes credentials "acme" from the secrets file, user name "old". */
    private RoutesFile routesWithSecrets() throws Exception {
        write("<delivery-routes><route domain=\"acme.test\" auth=\"acme\"><host>[192.0.2.1]</host></route></delivery-routes>", 0);
        Files.writeString(conf.resolve(RouteSecrets.FILE_NAME), "acme.username=old\nacme.password=p\n");
        return RoutesFile.load(conf.resolve("delivery-routes.xml"), true);
    }

    /** The secrets file with user name "newer", stamped later than before, then the watcher's check. */
    private void changeSecrets(RoutesFile file) throws Exception {
        Path secrets = conf.resolve(RouteSecrets.FILE_NAME);
        Files.writeString(secrets, "acme.username=newer\nacme.password=p\n");
        Files.setLastModifiedTime(secrets, FileTime.from(Instant.parse("2027-01-01T00:00:00Z")));
        file.reloadIfChanged();
    }

    @Test
    void aChangedSecretsFileIsTakenIntoForce() throws Exception {
        RoutesFile file = routesWithSecrets();

        changeSecrets(file);

        Route route = file.routes().routes().get(0);
        assertThat(file.credentials(route)).hasValueSatisfying(credentials -> assertThat(credentials.username()).isEqualTo("newer"));
    }

    @Test
    void aReloadNamesTheFileThatChanged() throws Exception {
        RoutesFile file = routesWithSecrets();
        List<String> lines;
        try (LogCapture log = LogCapture.of(RoutesFile.class.getName())) {
            changeSecrets(file);
            lines = log.texts();
        }

        assertThat(lines).singleElement().satisfies(line ->
            assertThat(line).contains(conf.resolve(RouteSecrets.FILE_NAME) + " changed").doesNotContain("delivery-routes.xml"));
    }

    private static Route route(String domain, String host) {
        return Route.of(RouteKey.ofDomain(domain), new Destination.Hosts(List.of(HostSpec.parse(host, 10, 1))));
    }

    @Test
    void aPutRouteIsWrittenAndInForceAtOnce() throws Exception {
        Path path = write(ACME_TO_1, 0);
        RoutesFile file = RoutesFile.load(path, true);

        file.put(route("acme.test", "[192.0.2.2]"));

        assertThat(firstHost(file)).contains("192.0.2.2");
        assertThat(new RoutesFileParser().parse(path).routeFor("user@acme.test").orElseThrow().destination().toString())
            .contains("192.0.2.2");
    }

    @Test
    void aPutIntoAMissingFileCreatesIt() throws Exception {
        RoutesFile file = RoutesFile.load(conf.resolve("delivery-routes.xml"), false);

        file.put(route("acme.test", "[192.0.2.3]"));

        assertThat(Files.exists(conf.resolve("delivery-routes.xml"))).isTrue();
        assertThat(firstHost(file)).contains("192.0.2.3");
    }

    @Test
    void aRemovedRouteIsGoneAtOnce() throws Exception {
        RoutesFile file = RoutesFile.load(write(ACME_TO_1, 0), true);

        assertThat(file.remove(RouteKey.ofDomain("acme.test"))).isTrue();
        assertThat(file.routes().routes()).isEmpty();
        assertThat(file.remove(RouteKey.ofDomain("acme.test"))).isFalse();
    }

    @Test
    void aWriteOntoAFileThatIsInvalidOnDiskIsRefusedAndTheFileIsLeftAlone() throws Exception {
        RoutesFile file = RoutesFile.load(write(ACME_TO_1, 0), true);
        String broken = "<delivery-routes><route domain=\"acme.test\"><host preference=\"x\">[192.0.2.2]</host></route></delivery-routes>";
        Path path = write(broken, 10);
        file.reloadIfChanged();

        assertThatThrownBy(() -> file.put(route("globex.test", "[192.0.2.4]"))).isInstanceOf(UneditableRoutesFileException.class);
        assertThatThrownBy(() -> file.remove(RouteKey.ofDomain("acme.test"))).isInstanceOf(UneditableRoutesFileException.class);
        assertThat(Files.readString(path)).isEqualTo(broken);
        assertThat(firstHost(file)).contains("192.0.2.1");
    }

    @Test
    void aWriteThatWouldMakeTheFileInvalidIsRefusedAndTheFileIsLeftAlone() throws Exception {
        Path path = write(ACME_TO_1, 0);
        RoutesFile file = RoutesFile.load(path, true);
        Route withoutCredentials = new Route(RouteKey.ofDomain("globex.test"), new Destination.Hosts(List.of(HostSpec.parse("[192.0.2.4]", 10, 1))),
            Balancing.RANDOM, OptionalInt.empty(), Optional.empty(), Optional.of("globex"), 0);

        assertThatThrownBy(() -> file.put(withoutCredentials))
            .isInstanceOf(InvalidRoutesException.class)
            .isNotInstanceOf(UneditableRoutesFileException.class)
            .hasMessageContaining("auth=\"globex\"");
        assertThat(Files.readString(path)).isEqualTo(ACME_TO_1);
        assertThat(file.routes().routes()).hasSize(1);
    }

    @Test
    void aRefusedVersionIsReportedUntilAGoodOneReplacesIt() throws Exception {
        RoutesFile file = RoutesFile.load(write(ACME_TO_1, 0), true);

        write("<delivery-routes><oops/></delivery-routes>", 10);
        file.reloadIfChanged();
        assertThat(file.refusal()).hasValueSatisfying(reason -> assertThat(reason).contains("<oops>"));

        write(ACME_TO_2, 20);
        file.reloadIfChanged();
        assertThat(file.refusal()).isEmpty();
    }

    @Test
    void parallelPutsOfDifferentDomainsAllEndUpInTheFile() throws Exception {
        Path path = write(ACME_TO_1, 0);
        RoutesFile file = RoutesFile.load(path, true);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = IntStream.range(0, 20)
                .mapToObj(i -> pool.submit(() -> {
                    file.put(route("domain" + i + ".test", "[192.0.2." + (i + 10) + "]"));
                    return null;
                }))
                .collect(Collectors.toList());
            for (Future<?> put : puts) {
                put.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(new RoutesFileParser().parse(path).routes()).hasSize(21);
        assertThat(file.routes().routes()).hasSize(21);
    }
}
