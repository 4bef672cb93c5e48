package io.embedmerge.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * A local folder (checkpoint, dataset, cached S3 copy) whose files are only ever opened through here: each name must
 * be a plain relative name, and each file's real path (symlinks resolved, checked right before opening) must lie
 * within the confinement, else {@link ForbiddenPathException} naming the file. Links that stay inside are allowed.
 */
public record ConfinedFolder(Path path, Confinement confinement) {

    public ConfinedFolder {
        path = path.toAbsolutePath().normalize();
    }

    /** A folder whose files may not lead out of the folder itself (for folders that are not user input). */
    public static ConfinedFolder self(Path folder) {
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            real = folder.toAbsolutePath().normalize();
        }
        return new ConfinedFolder(folder, new Confinement(List.of(real), List.of()));
    }

    /** True when the name is a regular file (possibly through a link); says nothing of whether it may be read. */
    public boolean isFile(String name) {
        return Files.isRegularFile(path.resolve(checkName(name)));
    }

    /** The checked real path of a file, for readers that need a path; open it with {@link LinkOption#NOFOLLOW_LINKS}. */
    public Path file(String name) {
        Path real;
        try {
            real = path.resolve(checkName(name)).toRealPath();
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("'" + name + "' does not exist in " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read '" + name + "' in " + path, e);
        }
        if (!confinement.allowsFile(real)) {
            throw new ForbiddenPathException("'" + name + "' in " + path
                    + " is a link leading outside the allowed storage roots; refusing to read it");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new ForbiddenPathException("'" + name + "' in " + path + " is not a regular file");
        }
        return real;
    }

    public InputStream open(String name) throws IOException {
        return Files.newInputStream(file(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    public FileChannel channel(String name) throws IOException {
        return FileChannel.open(file(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    public String readString(String name) throws IOException {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Relative names of all files, sorted; hidden files (cache bookkeeping) are left out. Links to files are listed
     * (and refused when opened if they lead out); links to folders are not followed.
     */
    public List<String> files() {
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> path.relativize(p).toString().replace('\\', '/'))
                    .filter(name -> !name.startsWith(".") && !name.contains("/."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails naming the first file that may not be read (a link leading out); for checks before any work. */
    public void checkAllFiles() {
        files().forEach(this::file);
    }

    private String checkName(String name) {
        try {
            return StorageUris.checkRelative(name);
        } catch (IllegalArgumentException e) {
            throw new ForbiddenPathException("'" + name + "' is not a plain relative file name inside " + path);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
