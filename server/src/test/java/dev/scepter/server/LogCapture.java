package dev.scepter.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the server logs while a test calls it: every event of the request threads, with its
 * stack trace (if any) counted as lines, so a test can hold a refused request to one log line.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<ILoggingEvent> events = new ArrayList<>();

    private LogCapture() {
    }

    /** Starts capturing; attach after the server started, since Spring Boot resets logging on start. */
    static LogCapture attach() {
        LogCapture capture = new LogCapture();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        capture.setContext(context);
        capture.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        return capture;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        events.add(event);
    }

    synchronized void clear() {
        events.clear();
    }

    /** Events logged by the server's request threads (Tomcat's workers), since the last clear. */
    synchronized List<ILoggingEvent> requestEvents() {
        return events.stream().filter(e -> e.getThreadName().contains("-exec-") || e.getThreadName().startsWith("http-")).toList();
    }

    /** Every event since the last clear, any thread. */
    synchronized List<ILoggingEvent> allEvents() {
        return List.copyOf(events);
    }

    /** Lines the request threads wrote: one per event, plus one per stack frame of a logged exception. */
    synchronized int requestLines() {
        int lines = 0;
        for (ILoggingEvent event : requestEvents()) {
            lines += event.getFormattedMessage().split("\n", -1).length;
            for (var proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
                lines += 1 + proxy.getStackTraceElementProxyArray().length;
            }
        }
        return lines;
    }

    /** The request threads' log, for an assertion's description. */
    synchronized String describe() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : requestEvents()) {
            text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ").append(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                text.append(" [").append(event.getThrowableProxy().getClassName()).append(" with stack trace]");
            }
            text.append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}
