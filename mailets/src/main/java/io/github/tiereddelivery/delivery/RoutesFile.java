package io.github.tiereddelivery.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.tiereddelivery.routes.InvalidRoutesException;
import io.github.tiereddelivery.routes.Route;
import io.github.tiereddelivery.routes.RouteKey;
import io.github.tiereddelivery.routes.RouteTable;
import io.github.tiereddelivery.routes.RoutesFileEditor;
import io.github.tiereddelivery.routes.RoutesFileParser;
import io.github.tiereddelivery.smtp.Credentials;

/**
 * The routes file and its secrets file, as currently in force. Loaded strictly at start (an invalid file stops James);
 * afterwards re-read when either file changes on disk, by an editor, a configuration manager or another node sharing
 * it. A new version that does not parse is refused with the reason in the log, and the previous routes stay in force.
 */
public final class RoutesFile implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RoutesFile.class);

    /**
     * What is in force: the routes and the credentials they name, always from the same versions of the files;
     * {@code fromFile}: whether the routes came from a routes file (false: there was none yet, no routes).
     */
    private record Routing(RouteTable routes, RouteSecrets secrets, List<Stamp> stamps, boolean fromFile) {
        Routing withStamps(List<Stamp> newStamps) {
            return new Routing(routes, secrets, newStamps, fromFile);
        }
    }

    /**
     * Enough to notice a change without reading the file: modification time, size, which file it is (an editor's or a
     * ConfigMap's rename gives another) and, where the system keeps it, the time of its last change, which a copy that
     * restores the modification time ({@code cp -p}, {@code rsync -t}) cannot set back. Absent: no file. A symbolic
     * link is followed.
     */
    private record Stamp(Optional<FileTime> modified, long size, Optional<Object> fileKey, Optional<Object> changed) {
        private static final Stamp ABSENT = new Stamp(Optional.empty(), -1, Optional.empty(), Optional.empty());

        static Stamp of(Path path) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new Stamp(Optional.of(attributes.lastModifiedTime()), attributes.size(),
                    Optional.ofNullable(attributes.fileKey()), statusChangeTime(path));
            } catch (IOException e) {
                return ABSENT;
            }
        }

        private static Optional<Object> statusChangeTime(Path path) throws IOException {
            try {
                return Optional.ofNullable(Files.getAttribute(path, "unix:ctime"));
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }

    private static final Set<PosixFilePermission> NEW_FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

    private final Path path;
    private final Path secretsPath;
    private final boolean required;
    private volatile Routing routing;
    /** Why the version on disk is not the one in force, while it is not. */
    private volatile Optional<String> refusal = Optional.empty();
    private ScheduledExecutorService watcher;

    private RoutesFile(Path path, boolean required) {
        this.path = path;
        this.secretsPath = path.resolveSibling(RouteSecrets.FILE_NAME);
        this.required = required;
    }

    /**
     * @param required whether the file must exist (the {@code routes} parameter names it); when not, a missing file
     *                 means no routes until one appears
     */
    public static RoutesFile load(Path path, boolean required) throws MessagingException {
        RoutesFile file = new RoutesFile(path, required);
        file.routing = file.read();
        return file;
    }

    public RouteTable routes() {
        return routing.routes();
    }

    public Optional<Credentials> credentials(Route route) {
        return routing.secrets().forRoute(route);
    }

    public Path path() {
        return path;
    }

    /** Why the file on disk is not in force (it did not parse); empty when it is. */
    public Optional<String> refusal() {
        return refusal;
    }

    /**
     * Writes {@code route} into the file in place of the route of the same key (or after the others) and puts it in
     * force at once. Atomic: the file is replaced by rename, never seen half written.
     *
     * @throws UneditableRoutesFileException when the file on disk is refused (invalid, or deleted): it is left alone
     * @throws InvalidRoutesException        when the file would not be valid with the route (e.g. its {@code auth} has
     *                                       no credentials in the secrets file)
     */
    public synchronized void put(Route route) throws IOException, InvalidRoutesException {
        replaceWith(RoutesFileEditor.put(editableText(), route));
    }

    /**
     * Removes the route of that key from the file, in force at once; false when there is none.
     *
     * @throws UneditableRoutesFileException when the file on disk is refused (invalid, or deleted): it is left alone
     */
    public synchronized boolean remove(RouteKey key) throws IOException, InvalidRoutesException {
        Optional<String> edited = RoutesFileEditor.remove(editableText(), key);
        if (edited.isEmpty()) {
            return false;
        }
        replaceWith(edited.get());
        return true;
    }

    /** The text on disk, once it is known to be valid: an edit is made only onto a valid file, so a refusal is the edit's. */
    private String editableText() throws IOException, UneditableRoutesFileException {
        if (!Files.exists(path)) {
            if (routing.fromFile()) {
                // Writing the one route would drop every other route still in force.
                throw new UneditableRoutesFileException(path, List.of(deleted()));
            }
            return RoutesFileEditor.EMPTY_FILE;
        }
        List<Stamp> before = stamps();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new UneditableRoutesFileException(path, List.of(path + " is not UTF-8 text"));
        }
        if (refusal.isEmpty() && before.equals(routing.stamps()) && before.equals(stamps())) {
            // The version in force, parsed when it was read: not parsed again (1.5 CPU-s for 100 000 routes).
            return text;
        }
        try {
            parse(text);
        } catch (InvalidRoutesException e) {
            throw new UneditableRoutesFileException(path, e.problems());
        }
        return text;
    }

    /**
     * Replaces the file by rename. A symbolic link stays one: the file it points to is replaced (a versioned folder, a
     * ConfigMap). The file keeps its permissions; a new file gets rw-r--r-- (it holds no secrets).
     */
    private void replaceWith(String content) throws IOException, InvalidRoutesException {
        Routing parsed = parse(content);
        Path target = Files.exists(path) ? path.toRealPath() : path.toAbsolutePath();
        Set<PosixFilePermission> permissions = Files.exists(target) ? permissions(target) : NEW_FILE_PERMISSIONS;
        Path temporary = Files.createTempFile(target.getParent(), ".delivery-routes", ".xml");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            setPermissions(temporary, permissions);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        routing = new Routing(parsed.routes(), parsed.secrets(), stamps(), true);
        refusal = Optional.empty();
        LOGGER.info("TieredRemoteDelivery: {} written, {} routes now in force", path, parsed.routes().routes().size());
    }

    /** The routes and credentials a text of the routes file gives, with today's secrets file. */
    private Routing parse(String content) throws InvalidRoutesException {
        try {
            RouteTable routes = new RoutesFileParser().parse(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)),
                path.getFileName().toString());
            return new Routing(routes, RouteSecrets.load(secretsPath, routes), List.of(), true);
        } catch (MessagingException e) {
            throw new InvalidRoutesException(path.getFileName().toString(), List.of(e.getMessage()));
        }
    }

    /** Checks the files for changes every {@code interval} on a daemon thread of its own. */
    public void watch(Duration interval) {
        watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "TieredRemoteDelivery-routes-watcher");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Re-reads the files when their stamps changed; never throws, never replaces good routes with bad ones. */
    synchronized void reloadIfChanged() {
        Routing current = routing;
        List<Stamp> stamps = stamps();
        if (current.stamps().equals(stamps)) {
            return;
        }
        try {
            if (current.fromFile() && !Files.exists(path)) {
                throw new MessagingException(deleted());
            }
            Routing reloaded = read();
            routing = reloaded;
            refusal = Optional.empty();
            LOGGER.info("TieredRemoteDelivery: {} changed, {} routes now in force", changedFiles(current.stamps(), stamps),
                reloaded.routes().routes().size());
        } catch (MessagingException | RuntimeException e) {
            // Remember the refused version so that it is reported once, not at every check.
            routing = current.withStamps(stamps);
            refusal = Optional.of(e.getMessage());
            LOGGER.error("TieredRemoteDelivery: refused the new version of {}; the previous routes stay in force. {}",
                changedFiles(current.stamps(), stamps), e.getMessage());
        }
    }

    private Routing read() throws MessagingException {
        List<Stamp> stamps = stamps();
        if (!Files.exists(path)) {
            if (required) {
                throw new MessagingException("TieredRemoteDelivery routes file " + path + " does not exist; create it "
                    + "(see conf/delivery-routes.xml in the distribution) or fix the <routes> parameter");
            }
            LOGGER.info("TieredRemoteDelivery: no routes file at {}; every domain is delivered as stock RemoteDelivery does", path);
            return new Routing(RouteTable.empty(), RouteSecrets.none(), stamps, false);
        }
        try {
            RouteTable routes = new RoutesFileParser().parse(path);
            return new Routing(routes, RouteSecrets.load(secretsPath, routes), stamps, true);
        } catch (InvalidRoutesException e) {
            throw new MessagingException("TieredRemoteDelivery cannot use the routes file " + path + ":\n" + e.getMessage(), e);
        }
    }

    /** Why a deleted routes file is not taken as "no routes": a deletion is more often a mistake than a wish. */
    private String deleted() {
        return "TieredRemoteDelivery routes file " + path + " was deleted while its routes were in force; they stay in "
            + "force. Put the file back, or, to deliver every domain without routes, write <delivery-routes/> into it";
    }

    private static void setPermissions(Path file, Set<PosixFilePermission> permissions) throws IOException {
        try {
            if (!permissions.isEmpty()) {
                Files.setPosixFilePermissions(file, permissions);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the new file has the folder's default access
        }
    }

    private static Set<PosixFilePermission> permissions(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return Set.of();
        }
    }

    /** The files of {@link #stamps()} whose stamp differs, e.g. "…/delivery-routes-secrets.properties". */
    private String changedFiles(List<Stamp> before, List<Stamp> now) {
        List<Path> files = watchedFiles();
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (!before.get(i).equals(now.get(i))) {
                changed.add(files.get(i).toString());
            }
        }
        return String.join(" and ", changed);
    }

    /** The files whose changes are taken in: the routes file and its secrets file; their stamps in this order. */
    private List<Path> watchedFiles() {
        return List.of(path, secretsPath);
    }

    private List<Stamp> stamps() {
        return watchedFiles().stream().map(Stamp::of).toList();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return Objects.toString(path);
    }
}
