package io.github.tiereddelivery.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.inject.Singleton;
import javax.mail.MessagingException;

/**
 * The routes files in use in this JVM, one {@link RoutesFile} per path whatever the number of mailets reading it, so
 * that a WebAdmin write is in force for every one of them at once.
 */
@Singleton
public class RoutesFiles {
    /** A change on disk is in force within this interval (and one parse). */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private record Use(RoutesFile file, int users) {
    }

    private final Map<Path, Use> uses = new HashMap<>();

    /**
     * The file at that path, loaded (strictly) and watched if no mailet uses it yet.
     *
     * @param required whether the file must exist, see {@link RoutesFile#load}
     */
    public synchronized RoutesFile acquire(Path path, boolean required) throws MessagingException {
        Path key = path.toAbsolutePath().normalize();
        Use use = uses.get(key);
        if (use == null) {
            RoutesFile file = RoutesFile.load(key, required);
            file.watch(CHECK_INTERVAL);
            use = new Use(file, 0);
        }
        uses.put(key, new Use(use.file(), use.users() + 1));
        return use.file();
    }

    /** The mailet that acquired the file is gone; the last one stops its watcher. */
    public synchronized void release(RoutesFile file) {
        Path key = file.path().toAbsolutePath().normalize();
        Use use = uses.get(key);
        if (use == null) {
            return;
        }
        if (use.users() <= 1) {
            uses.remove(key);
            file.close();
        } else {
            uses.put(key, new Use(use.file(), use.users() - 1));
        }
    }

    public synchronized Optional<RoutesFile> find(Path path) {
        return Optional.ofNullable(uses.get(path.toAbsolutePath().normalize())).map(Use::file);
    }
}
