package org.acme.voicewebhooks.records;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;

/**
 * The lock a record file's writer holds for each append and an erasure for each rewrite of that file, whichever
 * instance or JVM on the volume they run in: one byte, chosen by the file's name, of the folder's
 * {@value #NAME}. An erasure of another instance's current file waits for the append in progress, and the next
 * append waits for the rewrite and then opens the rewritten file, so no line is lost; appends to different files
 * never wait for each other. A sidecar, not a lock on the record file itself: the rewrite replaces that file.
 */
final class RecordFileLock {

    /** The lock file in the record folder; it stays, empty, and is no record file. */
    static final String NAME = ".acoustic-records.lock";
    /** Bytes of the lock file a file name maps to; two names on one byte only wait for each other. */
    private static final int STRIPES = 65_536;

    /** Work done on a record file while its lock is held. */
    interface Locked<T> {
        T run() throws IOException;
    }

    private RecordFileLock() {
    }

    /** Runs the work holding the lock of {@code fileName} in {@code dir}; waits while another holds it. */
    static <T> T holding(Path dir, String fileName, Locked<T> work) throws IOException {
        // a JVM owns its file locks as one (a second overlapping lock throws, a close frees all): take turns here first
        synchronized (RecordFileLock.class) {
            try (FileChannel channel = FileChannel.open(dir.resolve(NAME), CREATE, WRITE);
                    FileLock held = channel.lock(Math.floorMod(fileName.hashCode(), STRIPES), 1, false)) {
                return work.run();
            }
        }
    }
}
