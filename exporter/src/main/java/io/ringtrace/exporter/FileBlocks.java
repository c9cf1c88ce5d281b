package io.ringtrace.exporter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import net.openhft.posix.PosixAPI;

/**
 * Allocates a new file's blocks without writing them: Linux {@code fallocate(2)}, through the POSIX
 * binding Chronicle Bytes already brings ({@code net.openhft:posix}). A spool segment is mapped
 * whole, and a store into (or a load from) a mapped page the file system cannot back raises {@code
 * SIGBUS}, which kills the JVM; so every block must exist before the mapping. Allocated this way
 * they exist (the file system reads them as zeros) and a full device is an {@link IOException}
 * here, but nothing is written: no 16 MiB of zeros through the page cache per segment, no
 * writeback of them to the disk during an outage.
 *
 * <p>Where the call is not there (not Linux, the native binding cannot load) or the file system
 * does not support it, {@link #allocate} answers false and the caller writes the zeros itself.
 */
final class FileBlocks {

    /** Linux error numbers ({@code errno.h}) the answer depends on. */
    private static final int EINTR = 4;
    private static final int EFBIG = 27;
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final int O_RDWR = 2;
    /** {@code fallocate} mode 0: allocate, and extend the file's size to the end of the range. */
    private static final int ALLOCATE_AND_EXTEND = 0;

    private FileBlocks() {
    }

    /** The binding, resolved once: loading the native library takes ~0.2 s, see {@link #load()}. */
    private static final class Binding {
        static final PosixAPI POSIX = resolve();

        private static PosixAPI resolve() {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
                return null;
            }
            try {
                return PosixAPI.posix();
            } catch (Throwable unavailable) { // a native library that cannot load (e.g. a noexec temp directory)
                return null;
            }
        }
    }

    /** Loads the binding now (the spool's thread calls it when it starts, before any outage needs it). */
    static void load() {
        Object unused = Binding.POSIX;
    }

    /**
     * Allocates {@code bytes} bytes of {@code file} (new and empty, opened by the caller) from its
     * start, and sets its size to that.
     *
     * @return true if the blocks are allocated; false if this platform or file system cannot, with
     *     the file left empty (write the zeros instead)
     * @throws IOException if the device has no room (ENOSPC), the process's file-size limit is below
     *     {@code bytes}, or the call fails otherwise
     */
    static boolean allocate(Path file, long bytes) throws IOException {
        PosixAPI posix = Binding.POSIX;
        if (posix == null) {
            return false;
        }
        int result;
        int error;
        try {
            int fd = posix.open(file.toString(), O_RDWR, 0);
            if (fd < 0) {
                return false; // the binding cannot open it: the caller's channel can, and writes zeros
            }
            try {
                do {
                    result = posix.fallocate(fd, ALLOCATE_AND_EXTEND, 0, bytes);
                    error = result == 0 ? 0 : posix.lastError();
                } while (result != 0 && error == EINTR);
            } finally {
                posix.close(fd);
            }
        } catch (LinkageError unavailable) { // no such function in this C library
            return false;
        }
        if (result == 0) {
            // a stand-in binding answers 0 without doing anything: believe only a file of the size asked
            return Files.size(file) == bytes;
        }
        if (error == ENOSPC || error == EFBIG || error == EDQUOT) { // no room, the file-size limit, the quota
            throw new IOException(file + ": " + posix.strerror(error));
        }
        return false; // EOPNOTSUPP and the like: this file system does not allocate without writing
    }
}
