package io.github.tiereddelivery.testing;

import java.util.List;
import java.util.stream.Stream;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;

/**
 * The log events of a logger (and its children) while it is open, as logback gives them to its appenders: in the
 * integration tests James runs in the test's JVM, so this is what James' log file would get.
 *
 * <pre>
 * try (LogCapture log = LogCapture.of("io.github.tiereddelivery")) { … log.events() … }
 * </pre>
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture((Logger) LoggerFactory.getLogger(loggerName));
    }

    /** Everything logged, whatever the logger. */
    public static LogCapture everything() {
        return of(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    public List<ILoggingEvent> events() {
        synchronized (appender.list) {
            return List.copyOf(appender.list);
        }
    }

    /** Each event as text: its message, the values of its MDC and the messages of its exceptions. */
    public List<String> texts() {
        return events().stream()
            .map(event -> Stream.concat(Stream.concat(Stream.of(event.getFormattedMessage()),
                    event.getMDCPropertyMap().values().stream()), throwableMessages(event.getThrowableProxy()))
                .reduce("", (a, b) -> a + "\n" + b))
            .toList();
    }

    private static Stream<String> throwableMessages(IThrowableProxy throwable) {
        if (throwable == null) {
            return Stream.empty();
        }
        return Stream.concat(Stream.of(String.valueOf(throwable.getMessage())), throwableMessages(throwable.getCause()));
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
