package io.ringtrace.bench.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.logging.log4j.core.appender.RandomAccessFileAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The Log4j2 file reference's target: a file in a fresh temporary directory, written by a
 * {@code RandomAccessFile} appender with a formatted line per event (ISO-8601 time, level, thread,
 * logger, both context entries of {@link LogShape}, message), as applications log today. Its lines
 * are counted after Log4j2 stopped; {@link #delete()} removes file and directory.
 */
public final class LogFile {

    private final Path directory;
    private final Path file;

    private LogFile(Path directory) {
        this.directory = directory;
        this.file = directory.resolve("bench.log");
    }

    /**
     * @return a target in a fresh temporary directory
     * @throws IOException if the directory cannot be created
     */
    public static LogFile createTemporary() throws IOException {
        return new LogFile(Files.createTempDirectory("ringtrace-logbench"));
    }

    /** @return the file */
    public Path path() {
        return file;
    }

    /**
     * @param name the appender's name
     * @return a new appender writing formatted lines to the file (not started)
     */
    public RandomAccessFileAppender appender(String name) {
        PatternLayout layout = PatternLayout.newBuilder()
                .withPattern("%d{ISO8601} %-5level [%t] %c %X{" + LogShape.KEY_ORDER + "} %X{" + LogShape.KEY_TIER + "} %m%n")
                .build();
        return RandomAccessFileAppender.newBuilder()
                .setName(name).setFileName(file.toString()).setLayout(layout)
                .setImmediateFlush(false) // the asynchronous logger flushes at the end of each batch
                .build();
    }

    /**
     * @return the lines in the file (read after the appender stopped)
     * @throws IOException if the file cannot be read
     */
    public long countLines() throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long lines = 0;
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) > 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    if (buffer.get() == '\n') {
                        lines++;
                    }
                }
                buffer.clear();
            }
        }
        return lines;
    }

    /**
     * Deletes the file and its directory.
     *
     * @throws IOException if they cannot be deleted
     */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(directory);
    }
}
